"""Disk faults on the CLI and storage paths: a full disk, a read-only folder, a file replaced.

The faults are simulated by making one OS call fail (tests run as root in CI, where chmod
does not stop writes). Every case checks the same promise: a clear message naming the file,
the previous file intact, no temporary file left behind, and the same action working once
the fault is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from annotate.cli import main
from annotate.errors import AnnotateError, SaveError
from annotate.journal import journal_path, read_journal
from annotate.model import Annotation, AnnotatorFile
from annotate.projects import validate_project
from annotate.reanchor import apply_change
from annotate.session import EditSession, SaveConflictError
from annotate.storage import (
    ProjectFolder,
    atomic_write_text,
    load_annotator_file,
    open_project,
    save_annotator_file,
)
from tests.conftest import PROJECT_ID, SMALL_TEXT, make_project
from tests.session_support import ALPHA_TEXT, build_project, counting_ids, ticking_clock

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


@contextmanager
def failing(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, code: int, *,
            when: Callable[..., bool] = lambda *args, **kwargs: True) -> Iterator[list[int]]:
    """Make ``owner.name`` raise OSError(code) for calls where ``when`` holds; yields a count."""
    original = getattr(owner, name)
    calls = [0]

    def fake(*args: Any, **kwargs: Any) -> Any:
        if when(*args, **kwargs):
            calls[0] += 1
            raise _error(code)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, fake)
    try:
        yield calls
    finally:
        monkeypatch.setattr(owner, name, original)


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write could leave behind."""
    return sorted(p.name for p in folder.rglob("*.tmp"))


class TestAtomicWrite:
    def test_full_disk_keeps_the_old_file(self, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """ENOSPC while flushing: SaveError naming the file and the reason; old bytes kept."""
        path = tmp_path / "maria.toml"
        path.write_text("old", encoding="utf-8")
        with failing(monkeypatch, os, "fsync", errno.ENOSPC), \
                pytest.raises(SaveError) as caught:
            atomic_write_text(path, "new")
        assert str(path) in str(caught.value)
        assert "No space left on device" in str(caught.value)
        assert "previous file is unchanged" in str(caught.value)
        assert path.read_text(encoding="utf-8") == "old"
        assert leftovers(tmp_path) == []
        atomic_write_text(path, "new")
        assert path.read_text(encoding="utf-8") == "new"

    def test_read_only_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A folder we may not create files in gives SaveError with 'Permission denied'."""
        path = tmp_path / "maria.toml"
        path.write_text("old", encoding="utf-8")
        with failing(monkeypatch, tempfile, "mkstemp", errno.EACCES), \
                pytest.raises(SaveError, match="Permission denied"):
            atomic_write_text(path, "new")
        assert path.read_text(encoding="utf-8") == "old"

    def test_read_only_file_system(self, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
        """EROFS at the final rename leaves the old file and removes the temporary one."""
        path = tmp_path / "maria.toml"
        path.write_text("old", encoding="utf-8")
        with failing(monkeypatch, os, "replace", errno.EROFS), \
                pytest.raises(SaveError, match="Read-only file system"):
            atomic_write_text(path, "new")
        assert path.read_text(encoding="utf-8") == "old"
        assert leftovers(tmp_path) == []


class TestCommands:
    def test_add_on_a_full_disk_can_be_retried(self, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
        """'add' failing to write project.toml exits 2 with a message; project.toml is
        unchanged and the same command succeeds afterwards."""
        folder = make_project(tmp_path / "p")
        source = tmp_path / "new.txt"
        source.write_text("A second text. It is short.\n", encoding="utf-8")
        before = folder.project_path.read_bytes()
        with failing(monkeypatch, os, "replace", errno.ENOSPC,
                     when=lambda src, dst: str(dst).endswith("project.toml")):
            assert main(["add", str(folder.root), str(source)]) == 2
        err = capsys.readouterr().err
        assert "project.toml: cannot write: No space left on device" in err
        assert folder.project_path.read_bytes() == before
        assert main(["add", str(folder.root), str(source)]) == 0
        assert [d.id for d in open_project(folder.root).project.documents] == ["doc", "new"]

    def test_export_to_a_full_disk_keeps_the_previous_output(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> None:
        """'export -o FILE' failing to flush keeps the earlier export and exits 2."""
        folder = make_project(tmp_path / "p")
        output = tmp_path / "claims.json"
        output.write_text("earlier export", encoding="utf-8")
        with failing(monkeypatch, os, "fsync", errno.ENOSPC):
            assert main(["export", str(folder.root), "-o", str(output)]) == 2
        assert "No space left on device" in capsys.readouterr().err
        assert output.read_text(encoding="utf-8") == "earlier export"
        assert leftovers(tmp_path) == []
        assert main(["export", str(folder.root), "-o", str(output)]) == 0

    def test_import_on_a_full_disk_can_be_retried(self, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
        """'import' failing to save keeps the annotator file as it was; a retry imports."""
        folder = make_project(tmp_path / "p")
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids()) as s:
            s.add("doc", 0, 5, "figure")
        exported = tmp_path / "claims.json"
        assert main(["export", str(folder.root), "-o", str(exported)]) == 0
        lev = folder.annotator_path("lev")
        save_annotator_file(lev, AnnotatorFile(annotator="lev", project=PROJECT_ID))
        before = lev.read_bytes()
        with failing(monkeypatch, os, "fsync", errno.ENOSPC):
            assert main(["import", str(folder.root), str(exported), "--annotator", "lev"]) == 2
        assert "No space left on device" in capsys.readouterr().err
        assert lev.read_bytes() == before
        assert main(["import", str(folder.root), str(exported), "--annotator", "lev"]) == 0
        assert len(load_annotator_file(lev).annotations) == 1

    def test_reanchor_on_a_full_disk_can_be_retried(self, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        """A re-anchoring that fails midway reports it; running it again completes it."""
        folder = make_project(tmp_path / "p", SMALL_TEXT)
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids()) as s:
            s.add("doc", 13, 17, "figure")
            s.set_reviewed("doc", 1)
        (folder.root / "documents" / "doc.txt").write_text("Preface. " + SMALL_TEXT,
                                                          encoding="utf-8")
        folder = open_project(folder.root)
        with failing(monkeypatch, os, "replace", errno.ENOSPC,
                     when=lambda src, dst: str(dst).endswith("doc.toml")), \
                pytest.raises(SaveError, match="No space left on device"):
            apply_change(folder, "doc", NOW, use_git=False)
        apply_change(open_project(folder.root), "doc", NOW, use_git=False)
        maria = load_annotator_file(folder.annotator_path("maria"))
        assert maria.annotations[0].quote == "This"
        assert maria.annotations[0].start == 13 + len("Preface. ")


class TestJournal:
    def test_full_disk_on_an_edit_keeps_memory_and_file_consistent(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A journal write failing halfway reports SaveError, leaves no torn line that would
        swallow the next edit, and the next edit is recorded and survives a reopen."""
        folder = build_project(tmp_path / "p")
        session = EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids())
        try:
            session.add("alpha", 0, 3, "figure")
            original_write = os.write
            calls = [0]

            def half_then_full(fd: int, data: bytes) -> int:
                calls[0] += 1
                if calls[0] == 1:
                    return original_write(fd, bytes(data)[: len(data) // 2])
                raise _error(errno.ENOSPC)

            monkeypatch.setattr(os, "write", half_then_full)
            with pytest.raises(SaveError, match="No space left on device"):
                session.add("alpha", 4, 7, "figure")
            monkeypatch.setattr(os, "write", original_write)
            assert [a.id for a in session.annotations("alpha")] == ["a1"]
            session.add("alpha", 8, 12, "quote")
            kept = {a.id for a in session.annotations("alpha")}
        finally:
            session._journal and session._journal.close()  # simulate a crash: no save
            session._file_lock and session._file_lock.release()
        contents = read_journal(journal_path(folder.root, "maria"), folder.project.id, "maria")
        assert contents.warnings == []
        reopened = EditSession(open_project(folder.root), "maria", read_only=True)
        assert {a.id for a in reopened.annotations("alpha")} == kept
        assert ALPHA_TEXT  # the project text the offsets refer to

    def test_full_disk_on_save_keeps_the_journal(self, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        """If folding the journal into TOML fails, the journal still holds every edit."""
        folder = build_project(tmp_path / "p")
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids()) as s:
            s.add("alpha", 0, 3, "figure")
            with failing(monkeypatch, os, "replace", errno.ENOSPC), \
                    pytest.raises(SaveError):
                s.save()
            assert s.dirty
            contents = read_journal(journal_path(folder.root, "maria"), folder.project.id,
                                    "maria")
            assert len(contents.records) == 1
        assert len(load_annotator_file(folder.annotator_path("maria")).annotations) == 1


class TestReplacedUnderOurFeet:
    def test_reanchor_refuses_a_file_changed_since_it_was_read(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """If an annotator file is replaced between planning and writing, re-anchoring stops
        with a clear message and the new file is left as it is."""
        import annotate.reanchor as reanchor_module

        folder = make_project(tmp_path / "p", SMALL_TEXT)
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids()) as s:
            s.add("doc", 13, 17, "figure")
        (folder.root / "documents" / "doc.txt").write_text("Preface. " + SMALL_TEXT,
                                                          encoding="utf-8")
        path = folder.annotator_path("maria")
        real_plan = reanchor_module.plan_change

        def plan_then_replace(*args: Any, **kwargs: Any) -> Any:
            change = real_plan(*args, **kwargs)
            path.write_bytes(path.read_bytes() + b"\n# edited elsewhere\n")
            return change

        monkeypatch.setattr(reanchor_module, "plan_change", plan_then_replace)
        with pytest.raises(AnnotateError, match="changed on disk"):
            apply_change(open_project(folder.root), "doc", NOW, use_git=False)
        assert path.read_bytes().endswith(b"# edited elsewhere\n")

    def test_document_replaced_by_a_folder(self, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        """A document path that became a folder is reported by validate, not a traceback."""
        folder = make_project(tmp_path / "p")
        text = folder.root / "documents" / "doc.txt"
        text.unlink()
        text.mkdir()
        assert main(["validate", str(folder.root)]) == 2
        assert "is a folder, not a file" in capsys.readouterr().err


def _pulled_file(folder: ProjectFolder, annotation_id: str = "pulled") -> AnnotatorFile:
    """What a git pull might bring: maria's file with an annotation made elsewhere."""
    return AnnotatorFile(annotator="maria", project=folder.project.id, annotations=[
        Annotation(id=annotation_id, document="alpha", start=4, end=7, quote=ALPHA_TEXT[4:7],
                   tag="figure", created=NOW, modified=NOW)])


class TestSessionFileReplaced:
    """EditSession.save when another program replaced the annotator file since it was read."""

    @pytest.fixture
    def folder(self, tmp_path: Path) -> ProjectFolder:
        folder = build_project(tmp_path / "p")
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids("x")) as s:
            s.add("alpha", 0, 3, "quote")
        return folder

    @pytest.fixture
    def session(self, folder: ProjectFolder) -> Iterator[EditSession]:
        session = EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids())
        try:
            yield session
        finally:
            with contextlib.suppress(SaveError):
                session.close()

    def test_save_refuses_to_overwrite_a_replaced_file(self, folder: ProjectFolder,
                                                       session: EditSession) -> None:
        """The replacement stays on disk; the message says what happened and that the work
        is safe in the journal; the session keeps its state and the journal its record."""
        session.add("alpha", 8, 12, "figure")
        path = folder.annotator_path("maria")
        save_annotator_file(path, _pulled_file(folder))
        replacement = path.read_bytes()
        with pytest.raises(SaveConflictError, match="replaced by another program") as caught:
            session.save()
        assert "safe in the journal" in str(caught.value) and caught.value.path == path
        assert path.read_bytes() == replacement
        assert session.dirty and session.changed_on_disk
        assert [a.tag for a in session.annotations("alpha")] == ["quote", "figure"]
        contents = read_journal(journal_path(folder.root, "maria"), folder.project.id, "maria")
        assert len(contents.records) == 1

    def test_a_retry_refuses_again(self, folder: ProjectFolder, session: EditSession) -> None:
        """Retrying a plain save never overwrites the other program's file."""
        session.add("alpha", 8, 12, "figure")
        save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
        for _ in range(2):
            with pytest.raises(SaveConflictError):
                session.save()
        assert [a.id for a in load_annotator_file(folder.annotator_path("maria")).annotations
                ] == ["pulled"]

    def test_an_edit_in_place_is_noticed(self, folder: ProjectFolder,
                                         session: EditSession) -> None:
        """An editor that rewrites the same file (same inode) is caught too."""
        session.add("alpha", 8, 12, "figure")
        path = folder.annotator_path("maria")
        with path.open("ab") as handle:
            handle.write(b"# a comment from an editor\n")
        with pytest.raises(SaveConflictError):
            session.save()
        assert path.read_bytes().endswith(b"# a comment from an editor\n")

    def test_a_removed_file_is_reported_as_removed(self, folder: ProjectFolder,
                                                   session: EditSession) -> None:
        """A file deleted under the session is not silently recreated."""
        session.add("alpha", 8, 12, "figure")
        folder.annotator_path("maria").unlink()
        with pytest.raises(SaveConflictError, match="was removed"):
            session.save()
        assert not folder.annotator_path("maria").exists()

    def test_a_file_created_after_opening_is_a_conflict(self, tmp_path: Path) -> None:
        """A file that appears where there was none when the session read is not overwritten."""
        folder = build_project(tmp_path / "p")
        with EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids()) as s:
            s.add("alpha", 8, 12, "figure")
            save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
            with pytest.raises(SaveConflictError):
                s.save()
            s.save(force=True)

    def test_force_keeps_the_sessions_version(self, folder: ProjectFolder,
                                              session: EditSession) -> None:
        """save(force=True) writes the session's state, trims the journal, and later saves
        go through without a conflict."""
        session.add("alpha", 8, 12, "figure")
        save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
        session.save(force=True)
        assert not session.dirty and not session.changed_on_disk
        stored = load_annotator_file(folder.annotator_path("maria"))
        assert [a.tag for a in stored.annotations] == ["quote", "figure"]
        session.add("alpha", 13, 15, "figure")
        session.save()
        assert len(load_annotator_file(folder.annotator_path("maria")).annotations) == 3

    def test_save_copy_writes_beside_the_file(self, folder: ProjectFolder,
                                              session: EditSession) -> None:
        """save_copy writes the session's state to <annotator>.conflict-<time>.toml, which
        listings do not take for an annotator and validate asks to merge."""
        session.add("alpha", 8, 12, "figure")
        save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
        with pytest.raises(SaveConflictError):
            session.save()
        copy = session.save_copy(NOW)
        assert copy == folder.root / "annotations" / "maria.conflict-20260101T120000Z.toml"
        assert [a.tag for a in load_annotator_file(copy).annotations] == ["quote", "figure"]
        assert folder.annotator_names() == ["maria"]
        assert session.dirty
        report = validate_project(folder.root)
        assert any("merge what you need into maria.toml" in str(p) for p in report.problems)

    def test_reopening_applies_the_journal_to_the_new_file(self, folder: ProjectFolder) -> None:
        """Close (which reports the conflict) and reopen: the new file plus this session's
        edits, nothing lost."""
        session = EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids())
        added = session.add("alpha", 8, 12, "figure")
        save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
        with pytest.raises(SaveConflictError):
            session.close()
        with EditSession(open_project(folder.root), "maria") as reopened:
            ids = {a.id for a in reopened.annotations("alpha")}
        assert ids == {"pulled", added.id}
        stored = load_annotator_file(folder.annotator_path("maria"))
        assert {a.id for a in stored.annotations} == {"pulled", added.id}

    def test_deferred_load_takes_its_stamp_when_loading(self, folder: ProjectFolder) -> None:
        """With load=False the file is stamped when load() reads it, not at construction."""
        save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder))
        with EditSession(folder, "maria", load=False, new_id=counting_ids()) as session:
            assert not session.changed_on_disk
            save_annotator_file(folder.annotator_path("maria"), _pulled_file(folder, "second"))
            session.load()
            session.add("alpha", 8, 12, "figure")
            session.save()
        assert {a.id for a in load_annotator_file(folder.annotator_path("maria")).annotations
                } == {"second", "a1"}
