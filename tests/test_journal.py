"""Tests for annotate.journal: records, torn and corrupt journals, replay on open."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from session_support import build_project, counting_ids, ticking_clock

from annotate.errors import NewerVersionError, ProjectFileError
from annotate.journal import (
    JournalWriter,
    PutAnnotation,
    RemoveAnnotation,
    SetReviewed,
    decode_record,
    encode_header,
    encode_record,
    journal_path,
    read_journal,
)
from annotate.model import Annotation
from annotate.session import EditSession
from annotate.storage import ProjectFolder, load_annotator_file, open_project

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NOTE = Annotation(id="n1", document="alpha", start=0, end=3, quote="The", tag="figure",
                  attributes={"value": 1.5, "unit": "€"}, note="ünïcode\nline",
                  created=WHEN, modified=WHEN)


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """A project with two documents and no annotator files."""
    return build_project(tmp_path / "project")


def open_session(folder: ProjectFolder, **kwargs: object) -> EditSession:
    """A session for maria on a freshly opened project folder."""
    return EditSession(open_project(folder.root), "maria", clock=ticking_clock(),
                       new_id=counting_ids(), **kwargs)  # type: ignore[arg-type]


def journal_of(folder: ProjectFolder) -> Path:
    """maria's journal path."""
    return journal_path(folder.root, "maria")


class TestRecords:
    def test_round_trip(self) -> None:
        """Every operation kind survives encoding and decoding unchanged."""
        operations = [PutAnnotation(NOTE), RemoveAnnotation("n2"), SetReviewed("beta", 4, True)]
        line = encode_record(operations)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert decode_record(line.rstrip(b"\n")) == operations

    @pytest.mark.parametrize("line", [
        b"{", b"[]", b'{"ops": 3}', b'{"ops": [{"op": "explode"}]}',
        b'{"ops": [{"op": "review", "document": "a", "sentence": -1, "reviewed": true}]}',
        b'{"ops": [{"op": "put", "annotation": {"id": "x"}}]}', b"\xff\xfe",
    ])
    def test_malformed_records_raise_value_error(self, line: bytes) -> None:
        """A line that is not a well-formed record raises ValueError with a reason."""
        with pytest.raises(ValueError):
            decode_record(line)


class TestReadJournal:
    def write(self, path: Path, *lines: bytes) -> None:
        """Write a journal with maria's header for project 0123456789abcdef."""
        path.write_bytes(encode_header("0123456789abcdef", "maria") + b"".join(lines))

    def test_missing_journal_is_empty(self, tmp_path: Path) -> None:
        """No journal file means no records and no warnings."""
        contents = read_journal(tmp_path / "none", "0123456789abcdef", "maria")
        assert contents.records == [] and contents.warnings == [] and contents.clean

    def test_torn_last_line_is_ignored_with_a_warning(self, tmp_path: Path) -> None:
        """A last line without newline is skipped with a 'half-written' warning."""
        path = tmp_path / "j"
        good = encode_record([RemoveAnnotation("a")])
        self.write(path, good, encode_record([RemoveAnnotation("b")])[:9])
        contents = read_journal(path, "0123456789abcdef", "maria")
        assert contents.records == [[RemoveAnnotation("a")]]
        assert contents.good_lines == [good]
        assert not contents.clean
        assert contents.warnings == [f"ignored a half-written journal line at the end of {path}"]

    def test_garbage_last_line_with_newline_is_half_written(self, tmp_path: Path) -> None:
        """Zero bytes or bad JSON as the final line count as a half-written record."""
        path = tmp_path / "j"
        self.write(path, encode_record([RemoveAnnotation("a")]), b"\x00\x00\x00\n")
        contents = read_journal(path, "0123456789abcdef", "maria")
        assert len(contents.records) == 1
        assert "half-written" in contents.warnings[0]

    def test_bad_middle_line_is_named_and_the_rest_replayed(self, tmp_path: Path) -> None:
        """A corrupt line in the middle is reported by line number; later records still count."""
        path = tmp_path / "j"
        self.write(path, encode_record([RemoveAnnotation("a")]), b'{"ops": [}\n',
                   encode_record([SetReviewed("alpha", 1, True)]))
        contents = read_journal(path, "0123456789abcdef", "maria")
        assert contents.records == [[RemoveAnnotation("a")], [SetReviewed("alpha", 1, True)]]
        assert len(contents.warnings) == 1
        assert f"line 3 of the journal {path}" in contents.warnings[0]

    def test_torn_header_is_a_warning(self, tmp_path: Path) -> None:
        """A journal cut off inside its header holds nothing and warns."""
        path = tmp_path / "j"
        path.write_bytes(encode_header("0123456789abcdef", "maria")[:20])
        contents = read_journal(path, "0123456789abcdef", "maria")
        assert contents.records == [] and not contents.clean
        assert "half-written journal header" in contents.warnings[0]

    def test_journal_of_another_project_is_refused(self, tmp_path: Path) -> None:
        """A journal whose header names another project raises ProjectFileError."""
        path = tmp_path / "j"
        self.write(path)
        with pytest.raises(ProjectFileError, match="belongs to another project"):
            read_journal(path, "ffffffffffffffff", "maria")

    def test_journal_of_another_annotator_is_refused(self, tmp_path: Path) -> None:
        """A journal whose header names another annotator raises ProjectFileError."""
        path = tmp_path / "j"
        self.write(path)
        with pytest.raises(ProjectFileError, match="annotator 'maria', not 'ana'"):
            read_journal(path, "0123456789abcdef", "ana")

    def test_newer_journal_is_refused(self, tmp_path: Path) -> None:
        """A journal of a newer format version raises NewerVersionError."""
        path = tmp_path / "j"
        header = {"format": "annotate-journal", "version": 99, "project": "0123456789abcdef",
                  "annotator": "maria"}
        path.write_text(json.dumps(header) + "\n")
        with pytest.raises(NewerVersionError):
            read_journal(path, "0123456789abcdef", "maria")

    def test_not_a_journal_is_refused(self, tmp_path: Path) -> None:
        """A file whose first line is not a journal header raises ProjectFileError."""
        path = tmp_path / "j"
        path.write_text("hello\n")
        with pytest.raises(ProjectFileError, match="not an annotate edit journal"):
            read_journal(path, "0123456789abcdef", "maria")


class TestJournalWriter:
    def test_append_and_drop_before(self, tmp_path: Path) -> None:
        """drop_before keeps the header and the records written after the given offset."""
        path = tmp_path / "j"
        writer = JournalWriter(path, "0123456789abcdef", "maria")
        assert not writer.has_records
        writer.append([RemoveAnnotation("a")])
        offset = writer.size
        writer.append([RemoveAnnotation("b")])
        writer.drop_before(offset)
        writer.append([RemoveAnnotation("c")])
        writer.close()
        contents = read_journal(path, "0123456789abcdef", "maria")
        assert contents.records == [[RemoveAnnotation("b")], [RemoveAnnotation("c")]]
        assert path.stat().st_size == writer.size


class TestReplayOnOpen:
    def test_unsaved_changes_come_back(self, folder: ProjectFolder) -> None:
        """Changes that were only journaled (no save, no close) are there on reopening."""
        session = open_session(folder)
        added = session.add("alpha", 0, 24, "figure")
        session.set_reviewed("alpha", 0)
        session.update(added.id, note="n")
        expected = session.snapshot().model_dump()
        session._file_lock.release()  # type: ignore[union-attr]  # as if the process died
        again = open_session(folder)
        assert again.snapshot().model_dump() == expected
        assert again.dirty and again.warnings == []
        again.close()

    def test_torn_journal_opens_with_warning_and_stays_appendable(
            self, folder: ProjectFolder) -> None:
        """A torn last line is dropped with a warning and later changes are recorded cleanly."""
        session = open_session(folder)
        session.add("alpha", 0, 3, "figure")
        session._file_lock.release()  # type: ignore[union-attr]
        with journal_of(folder).open("ab") as handle:
            handle.write(b'{"ops":[{"op":"remove","id":')
        again = open_session(folder)
        assert any("half-written journal line" in w for w in again.warnings)
        again.add("alpha", 4, 7, "quote")
        again._file_lock.release()  # type: ignore[union-attr]
        third = open_session(folder)
        assert third.warnings == []
        assert [a.tag for a in third.annotations("alpha")] == ["figure", "quote"]
        third.close()

    def test_replaying_over_a_saved_file_is_harmless(self, folder: ProjectFolder) -> None:
        """A crash between writing the TOML file and trimming the journal replays cleanly."""
        session = open_session(folder)
        first = session.add("alpha", 0, 3, "figure")
        session.add("alpha", 0, 3, "figure")
        session.delete(first.id)
        session.set_reviewed("beta", 0)
        session.set_reviewed("beta", 0, False)
        session.set_reviewed("beta", 1)
        expected = session.snapshot().model_dump()
        untrimmed = journal_of(folder).read_bytes()
        session.close()
        journal_of(folder).write_bytes(untrimmed)
        for _ in range(2):
            again = open_session(folder)
            assert again.snapshot().model_dump() == expected
            assert again.warnings == []
            again.close()
            journal_of(folder).write_bytes(untrimmed)

    def test_foreign_journal_stops_the_open_and_frees_the_lock(
            self, folder: ProjectFolder, tmp_path: Path) -> None:
        """A journal copied from another project is refused, and the lock is not left behind."""
        other = build_project(tmp_path / "other")
        with EditSession(other, "maria") as session:
            session.add("alpha", 0, 3, "figure")
            shutil.copy(journal_of(other), journal_of(folder))
        with pytest.raises(ProjectFileError, match="another project"):
            open_session(folder)
        assert not (folder.root / "annotations" / ".maria.lock").exists()

    def test_records_that_no_longer_fit_the_project_are_skipped(
            self, folder: ProjectFolder) -> None:
        """A journaled change for a document or tag the project no longer has is skipped with
        a warning, and the rest is replayed."""
        session = open_session(folder)
        session.add("alpha", 0, 3, "figure")
        session.add("beta", 0, 3, "figure")
        session.set_reviewed("beta", 0)
        session._file_lock.release()  # type: ignore[union-attr]
        project = open_project(folder.root)
        project.project = project.project.model_copy(
            update={"documents": project.project.documents[:1]})
        again = EditSession(project, "maria")
        assert [a.document for a in again.snapshot().annotations] == ["alpha"]
        assert again.snapshot().reviewed == {}
        assert len(again.warnings) == 2
        assert all("unknown document 'beta'" in w for w in again.warnings)
        again.close()

    def test_read_only_does_not_repair_the_journal(self, folder: ProjectFolder) -> None:
        """Opening read-only replays a torn journal but leaves the file as it is."""
        session = open_session(folder)
        session.add("alpha", 0, 3, "figure")
        session._file_lock.release()  # type: ignore[union-attr]
        with journal_of(folder).open("ab") as handle:
            handle.write(b"{")
        before = journal_of(folder).read_bytes()
        viewer = open_session(folder, read_only=True)
        assert len(viewer.annotations("alpha")) == 1 and viewer.warnings
        viewer.close()
        assert journal_of(folder).read_bytes() == before

    def test_saved_file_reads_cleanly(self, folder: ProjectFolder) -> None:
        """The TOML written by a session loads and checks against the project."""
        with open_session(folder) as session:
            session.add("alpha", 0, 24, "figure", subtype="statistical",
                        attributes={"value": 5, "unit": "%"}, note='quote " and \\ and\nnewline')
            session.set_reviewed("alpha", 4)
        stored = open_project(folder.root).load_annotator("maria")
        assert stored == load_annotator_file(folder.annotator_path("maria"))
        assert stored.annotations[0].note == 'quote " and \\ and\nnewline'
