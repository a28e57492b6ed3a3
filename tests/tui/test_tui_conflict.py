"""Another program replaces the annotator file while the app is open: one dialog, three ways
out, and no background save (and no lost work) meanwhile."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.pilot import Pilot

from annotate.model import AnnotatorFile
from annotate.session import EditSession
from annotate.storage import ProjectFolder, load_annotator_file, save_annotator_file
from annotate.tui.app import AnnotateApp
from annotate.tui.messages import ExportFinished, SaveFinished
from annotate.tui.screens.dialogs import ConflictDialog
from tests.tui.conftest import AppFactory, sentence_text

TEXT, SPANS = sentence_text()


def pull_replacement(folder: ProjectFolder) -> Path:
    """Replace maria's file with another (empty) version, as a git pull would."""
    path = folder.annotator_path("maria")
    save_annotator_file(path, AnnotatorFile(annotator="maria", project=folder.project.id))
    return path


async def conflicted(app: AnnotateApp, pilot: Pilot[int], folder: ProjectFolder) -> None:
    """Tag a sentence, let it be saved, replace the file, tag another: the save of that
    one meets the replaced file."""
    await pilot.press("1")
    await app.workers.wait_for_complete()
    await pilot.pause(0.2)
    pull_replacement(folder)
    await pilot.press("j", "2")
    for _ in range(50):
        await pilot.pause(0.05)
        if isinstance(app.screen, ConflictDialog):
            break
    assert isinstance(app.screen, ConflictDialog)


def tags_on_disk(path: Path) -> list[str]:
    """The tags of the annotator file as it is on disk."""
    return sorted(a.tag for a in load_annotator_file(path).annotations)


class TestConflictDialog:
    async def test_shown_once_and_no_more_background_saves(self, make_app: AppFactory,
                                                           folder: ProjectFolder) -> None:
        """The replaced file stays as it is; one dialog, no error notifications, and edits
        made after "keep editing" schedule no save."""
        seen: list[Message] = []
        app = make_app()
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
            await conflicted(app, pilot, folder)
            await pilot.press("escape")
            assert not isinstance(app.screen, ConflictDialog)
            await pilot.press("j", "3", "j", "4")
            await pilot.pause(0.3)
            assert not isinstance(app.screen, ConflictDialog)
            conflicts = [m for m in seen if isinstance(m, SaveFinished) and m.conflict]
            assert len(conflicts) == 1
            assert tags_on_disk(folder.annotator_path("maria")) == []
            assert app.session is not None and app.session.dirty

    async def test_export_during_a_conflict_asks_again(self, make_app: AppFactory,
                                                       folder: ProjectFolder) -> None:
        """Exporting from the palette while the conflict is unresolved brings the dialog
        back and says the export waits for it; nothing is written to the exports folder."""
        seen: list[Message] = []
        app = make_app()
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
            await conflicted(app, pilot, folder)
            await pilot.press("escape")
            app.export_claims("json")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            assert isinstance(app.screen, ConflictDialog)
            finished = [m for m in seen if isinstance(m, ExportFinished)]
            assert len(finished) == 1 and finished[0].error is not None
            assert "Choose what to do" in finished[0].error
            assert not (folder.root / "exports" / "maria-claims.json").exists()
            assert tags_on_disk(folder.annotator_path("maria")) == []

    async def test_save_anyway_writes_over_the_other_version(self, make_app: AppFactory,
                                                             folder: ProjectFolder) -> None:
        """s replaces the other program's file with the annotator's work, and background
        saves resume."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await conflicted(app, pilot, folder)
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            path = folder.annotator_path("maria")
            assert tags_on_disk(path) == ["figure", "propaganda"]
            await pilot.press("j", "3")
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            assert tags_on_disk(path) == ["figure", "propaganda", "quote"]

    async def test_save_a_copy_leaves_the_file_and_writes_beside_it(
            self, make_app: AppFactory, folder: ProjectFolder) -> None:
        """c writes the annotator's work to a conflict copy; the replaced file is kept."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await conflicted(app, pilot, folder)
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
        path = folder.annotator_path("maria")
        (copy,) = path.parent.glob("maria.conflict-*.toml")
        assert tags_on_disk(copy) == ["figure", "propaganda"]
        assert tags_on_disk(path) == []

    async def test_quit_and_reopen_replays_the_journal(self, make_app: AppFactory,
                                                       folder: ProjectFolder) -> None:
        """q quits without overwriting; reopening puts the work on top of the new file."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await conflicted(app, pilot, folder)
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
        assert app.quit_problem is not None and "journal" in app.quit_problem
        path = folder.annotator_path("maria")
        assert tags_on_disk(path) == []
        with EditSession(folder, "maria") as session:
            assert sorted(a.tag for a in session.annotations("doc")) == ["figure"]
        assert tags_on_disk(path) == ["figure"]
