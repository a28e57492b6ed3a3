"""Starting the UI: the annotator prompt, a locked file, the document picker, launch errors."""

from __future__ import annotations

import argparse
import shutil
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotate.errors import AnnotateError
from annotate.journal import journal_path
from annotate.session import EditSession
from annotate.storage import ProjectFolder, open_project
from annotate.tui.app import AnnotateApp
from annotate.tui.launch import run_tui
from annotate.tui.screens.dialogs import AnnotatorPrompt, ErrorDialog, LockedDialog
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


class GatedSession(EditSession):
    """A session that takes the lock at once and reads its file only when the test says."""

    def __init__(self, folder: ProjectFolder, annotator: str) -> None:
        self.gate = threading.Event()
        super().__init__(folder, annotator, load=False)

    def load(self) -> None:
        """Wait for the gate, then read the annotator file and journal."""
        self.gate.wait(10)
        super().load()


async def until_read(pilot: Pilot[int], screen: MainScreen) -> None:
    """Wait until the annotation screen has the annotations."""
    for _ in range(500):
        if not screen.reading:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the annotations were never read")


class TestAnnotationsReadAfterTheText:
    @pytest.fixture
    def reviewed_folder(self, folder: ProjectFolder) -> ProjectFolder:
        """Maria has reviewed sentences 0 and 1 and tagged sentence 0."""
        with EditSession(folder, "maria") as session:
            session.set_reviewed("doc", 0)
            session.set_reviewed("doc", 1)
            session.add("doc", 0, 4, "figure")
        return open_project(folder.root)

    async def test_text_first_then_the_first_unreviewed_sentence(
            self, reviewed_folder: ProjectFolder) -> None:
        """The screen opens on the first sentence while the file is read; tag and review keys
        do nothing until then; after it, the screen goes to the first unreviewed sentence
        and the keys work."""
        session = GatedSession(reviewed_folder, "maria")
        app = AnnotateApp(reviewed_folder, annotator="maria", document="doc", session=session)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.reading and screen.sentence == 0
            journal = journal_path(reviewed_folder.root, "maria").read_bytes()
            await pilot.press("1", "space", "x", "d", "u")
            assert screen.sentence == 0
            assert journal_path(reviewed_folder.root, "maria").read_bytes() == journal
            session.gate.set()
            await until_read(pilot, screen)
            assert screen.sentence == 2
            await pilot.press("2")
            added = session.annotations("doc")[-1]
            assert (added.start, added.end) == reviewed_folder.sentences("doc")[2]
            await pilot.press("q")
        assert saved(reviewed_folder)["reviewed"] == {"doc": [0, 1]}
        assert len(saved(reviewed_folder)["annotations"]) == 2  # type: ignore[arg-type]

    async def test_moving_while_reading_keeps_the_place(
            self, reviewed_folder: ProjectFolder) -> None:
        """Navigation keys work while the file is read, and the annotator stays where they
        went."""
        session = GatedSession(reviewed_folder, "maria")
        app = AnnotateApp(reviewed_folder, annotator="maria", document="doc", session=session)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.press("j", "j", "j", "j", "l")
            assert screen.sentence == 4
            session.gate.set()
            await until_read(pilot, screen)
            assert screen.sentence == 4
            await pilot.press("q")

    async def test_unreadable_file_is_reported_and_released(self,
                                                            folder: ProjectFolder) -> None:
        """A broken annotator file found after the first screen shows an error, releases
        the lock and leaves with status 2."""
        folder.annotator_path("maria").write_text("annotations = [oops\n", encoding="utf-8")
        session = EditSession(folder, "maria", load=False)
        app = AnnotateApp(folder, annotator="maria", document="doc", session=session)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(200):
                await pilot.pause(0.01)
                if isinstance(app.screen, ErrorDialog):
                    break
            assert isinstance(app.screen, ErrorDialog)
            EditSession(folder, "maria", load=False).close()  # the lock is free again
            await pilot.press("enter")
            await pilot.pause()
        assert app.return_value == 2
