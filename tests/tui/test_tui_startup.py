"""Starting the UI: the annotator prompt, a locked file, the document picker, launch errors."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from annotate.errors import AnnotateError
from annotate.session import EditSession
from annotate.storage import ProjectFolder, open_project
from annotate.tui.app import AnnotateApp
from annotate.tui.launch import run_tui
from annotate.tui.screens.dialogs import AnnotatorPrompt, LockedDialog
from annotate.tui.screens.documents import DocumentPicker
from annotate.tui.screens.main import MainScreen
from tests.conftest import make_project
from tests.tui.conftest import saved


def args(project: Path, annotator: str | None = None,
         document: str | None = None) -> argparse.Namespace:
    """Command-line arguments as ``annotate open`` passes them."""
    return argparse.Namespace(project=str(project), annotator=annotator, document=document)


class TestAnnotatorPrompt:
    async def test_unsafe_name_is_refused_then_a_good_one_opens(self,
                                                                folder: ProjectFolder) -> None:
        """The prompt says why "../x" cannot be used and accepts "maria"."""
        app = AnnotateApp(folder, document="doc")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, AnnotatorPrompt)
            await pilot.press(*"../x", "enter")
            assert isinstance(app.screen, AnnotatorPrompt)
            assert app.screen.query_one("#name-problem").has_class("-shown")
            await pilot.press(*["backspace"] * 4, *"maria", "enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            await pilot.press("space", "q")
        assert saved(folder)["reviewed"] == {"doc": [0]}

    def test_unsafe_name_on_the_command_line_is_an_error(self, folder: ProjectFolder) -> None:
        """--annotator with a path in it fails before the UI starts, with the reason."""
        with pytest.raises(AnnotateError, match="cannot use"):
            run_tui(args(folder.root, annotator="a/b"))

    def test_environment_variable_names_the_annotator(self, folder: ProjectFolder,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        """$ANNOTATE_ANNOTATOR is checked like --annotator."""
        monkeypatch.setenv("ANNOTATE_ANNOTATOR", "bad name")
        with pytest.raises(AnnotateError, match="cannot use 'bad name'"):
            run_tui(args(folder.root))


class TestLaunchErrors:
    def test_missing_project_raises(self, tmp_path: Path) -> None:
        """A folder that is not a project is reported before the UI starts."""
        with pytest.raises(AnnotateError):
            run_tui(args(tmp_path / "nowhere", annotator="maria"))

    def test_unknown_document_raises(self, folder: ProjectFolder) -> None:
        """--document naming no document lists the known ones."""
        with pytest.raises(AnnotateError, match="known: doc"):
            run_tui(args(folder.root, annotator="maria", document="other"))


class TestLockedFile:
    async def test_second_writer_is_offered_read_only(self, folder: ProjectFolder) -> None:
        """With the file held by another session, r opens read-only and tag keys do nothing."""
        holder = EditSession(folder, "maria")
        try:
            app = AnnotateApp(folder, annotator="maria", document="doc")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                assert isinstance(app.screen, LockedDialog)
                await pilot.press("r")
                await pilot.pause()
                assert isinstance(app.screen, MainScreen)
                assert app.screen.session.read_only
                await pilot.press("1", "space", "q")
                assert app.session is not None
                assert not app.session.annotations("doc")
        finally:
            holder.close()

    async def test_quit_from_the_lock_dialog(self, folder: ProjectFolder) -> None:
        """q in the lock dialog leaves without opening anything."""
        holder = EditSession(folder, "maria")
        try:
            app = AnnotateApp(folder, annotator="maria", document="doc")
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                await pilot.press("q")
                await pilot.pause()
            assert app.return_value == 0
            assert app.session is None
        finally:
            holder.close()


class TestDocumentPicker:
    @pytest.fixture
    def two_documents(self, tmp_path: Path) -> ProjectFolder:
        """A project with documents "doc" and "second"."""
        first = make_project(tmp_path / "one")
        second = make_project(tmp_path / "two", "Other text. Second line.",
                              [(0, 11), (12, 24)], document_id="second")
        shutil.copy(second.root / "documents/second.txt", first.root / "documents")
        shutil.copy(second.root / "sentences/second.toml", first.root / "sentences")
        project = first.project.model_copy(
            update={"documents": [*first.project.documents, *second.project.documents]})
        from annotate.storage import save_project

        save_project(first.root, project)
        return open_project(first.root)

    async def test_picker_shows_progress_and_opens_the_choice(
            self, two_documents: ProjectFolder) -> None:
        """With several documents the picker lists them; enter opens the highlighted one."""
        session = EditSession(two_documents, "maria")
        session.set_reviewed("second", 1)
        app = AnnotateApp(two_documents, annotator="maria", session=session)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, DocumentPicker)
            rows = {row.id: (row.reviewed, row.total) for row in app.screen.documents}
            assert rows == {"doc": (0, 3), "second": (1, 2)}
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.screen.document == "second"
            await pilot.press("q")

    async def test_undo_returns_to_the_other_document(self,
                                                      two_documents: ProjectFolder) -> None:
        """Undo works across documents: it switches back to where the change was."""
        session = EditSession(two_documents, "maria")
        app = AnnotateApp(two_documents, annotator="maria", session=session, document="doc")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.press("1")
            screen.open_document("second")
            await pilot.press("u")
            assert screen.document == "doc"
            assert not session.annotations("doc")
            await pilot.press("q")
