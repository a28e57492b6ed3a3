"""Import: round trips from every format, re-anchoring, id conflicts, bad files, the lock."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from export_project import TEXTS, build_project

from annotate.anchoring import find_quote
from annotate.errors import AnnotateError, FileProblem, LockedError, ProblemList, UsageError
from annotate.export import ExportSelection, plan_export, write_export
from annotate.importing import import_claims, read_import_file
from annotate.lock import AnnotatorLock, lock_path
from annotate.storage import (
    ProjectFolder,
    atomic_write_text,
    open_project,
    save_project,
    sentences_to_toml,
    sha256_text,
)

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    return build_project(tmp_path / "project")


def export_file(folder: ProjectFolder, path: Path, fmt: str, **selection: Any) -> Path:
    """Export to ``path`` and return it."""
    out = io.StringIO()
    write_export(out, plan_export(folder, ExportSelection(**selection)), fmt, now=NOW)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def same_work(folder: ProjectFolder, first: str, second: str) -> bool:
    """Whether two annotators' files hold the same annotations and review marks."""
    a, b = folder.load_annotator(first), folder.load_annotator(second)
    return a.annotations == b.annotations and a.reviewed == b.reviewed


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["json", "w3c"])
    def test_export_then_import_gives_the_same_work(self, folder: ProjectFolder,
                                                    tmp_path: Path, fmt: str) -> None:
        """JSON and W3C exports import back to identical annotations and review marks."""
        path = export_file(folder, tmp_path / f"claims.{fmt}", fmt)
        report = import_claims(folder, path, "copy", source="maria")
        assert report.added == 5 and report.left_out == 0
        assert same_work(folder, "maria", "copy")

    def test_jsonl_round_trip_keeps_annotations(self, folder: ProjectFolder,
                                                tmp_path: Path) -> None:
        """JSON Lines imports back the same annotations and the claims' review marks."""
        path = export_file(folder, tmp_path / "claims.jsonl", "jsonl", annotators=("maria",))
        import_claims(folder, path, "copy")
        maria, copy = folder.load_annotator("maria"), folder.load_annotator("copy")
        assert copy.annotations == maria.annotations
        assert copy.reviewed == {"mixed": [0, 1], "ru-report": [1, 2]}

    def test_sample_project_round_trip(self, tmp_path: Path) -> None:
        """Every annotator of the sample project round-trips through JSON."""
        sample = Path(__file__).parent.parent / "sample_projects" / "industry-recovery"
        if not sample.exists():
            pytest.skip("sample project not present")
        import shutil

        shutil.copytree(sample, tmp_path / "sample")
        folder = open_project(tmp_path / "sample")
        path = export_file(folder, tmp_path / "claims.json", "json")
        for name in folder.annotator_names():
            import_claims(folder, path, f"{name}-copy", source=name)
            assert same_work(folder, name, f"{name}-copy")

    def test_reimport_is_a_no_op(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """Importing into the file the claims came from adds nothing and changes nothing."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("maria",))
        before = folder.annotator_path("maria").read_bytes()
        report = import_claims(folder, path, "maria")
        assert (report.added, report.unchanged, report.reviewed_added) == (0, 5, 0)
        assert folder.annotator_path("maria").read_bytes() == before


class TestConflicts:
    def test_changed_claim_with_existing_id_is_refused(self, folder: ProjectFolder,
                                                       tmp_path: Path) -> None:
        """An id already in the file with other content stops the import; nothing is written."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("maria",))
        data = json.loads(path.read_text(encoding="utf-8"))
        data["claims"][0]["note"] = "changed elsewhere"
        path.write_text(json.dumps(data), encoding="utf-8")
        before = folder.annotator_path("maria").read_bytes()
        with pytest.raises(ProblemList, match=r"already exists .* with different content"):
            import_claims(folder, path, "maria")
        assert folder.annotator_path("maria").read_bytes() == before

    def test_partial_skips_and_reports(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """With partial, conflicting claims are left out and each one is reported."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("maria",))
        data = json.loads(path.read_text(encoding="utf-8"))
        data["claims"][0]["note"] = "changed elsewhere"
        data["claims"][1]["id"] = "m-new"
        path.write_text(json.dumps(data), encoding="utf-8")
        report = import_claims(folder, path, "maria", partial=True)
        assert (report.added, report.left_out) == (1, 1)
        assert any("left out" in m and "already exists" in m for m in report.messages)

    def test_unknown_tag_is_reported(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """A claim whose tag the project lacks is reported with its place in the file."""
        path = export_file(folder, tmp_path / "claims.jsonl", "jsonl", annotators=("li",))
        lines = path.read_text(encoding="utf-8").splitlines()
        claim = json.loads(lines[1])
        claim["tag"] = "rumour"
        lines[1] = json.dumps(claim)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(ProblemList, match=r"line 2: tag: unknown tag 'rumour'"):
            import_claims(folder, path, "new")
        assert not folder.annotator_path("new").exists()

    def test_several_annotators_need_a_source(self, folder: ProjectFolder,
                                              tmp_path: Path) -> None:
        """A file with several annotators' claims asks which one to import."""
        path = export_file(folder, tmp_path / "claims.json", "json")
        with pytest.raises(UsageError, match=r"several annotators .*--from"):
            import_claims(folder, path, "copy")
        with pytest.raises(UsageError, match="nothing by 'bob'"):
            import_claims(folder, path, "copy", source="bob")


class TestReanchoring:
    def moved_project(self, tmp_path: Path, folder: ProjectFolder, new_text: str) -> None:
        """Replace the 'mixed' document's text (and sentences) as if it had been re-added."""
        project = folder.project
        digest = sha256_text(new_text)
        atomic_write_text(folder.root / "documents/mixed.txt", new_text)
        from export_project import sentence_spans

        from annotate.model import SentenceFile

        atomic_write_text(folder.root / "sentences/mixed.toml", sentences_to_toml(SentenceFile(
            document="mixed", sha256=digest, method="annotate-1",
            spans=sentence_spans(new_text))))
        documents = [d.model_copy(update={"sha256": digest, "length": len(new_text)})
                     if d.id == "mixed" else d for d in project.documents]
        save_project(folder.root, project.model_copy(update={"documents": documents}))

    def test_moved_quote_is_reanchored_and_reported(self, folder: ProjectFolder,
                                                    tmp_path: Path) -> None:
        """A claim whose text moved is placed on its quote's new position and reported."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("li",))
        self.moved_project(tmp_path, folder, "Preface added.\n" + TEXTS["mixed"])
        folder = open_project(folder.root)
        report = import_claims(folder, path, "li-new", source="li")
        assert report.moved == 2 and report.added == 2 + 1
        text = folder.text("mixed")
        for annotation in folder.load_annotator("li-new").annotations:
            actual = folder.text(annotation.document)[annotation.start:annotation.end]
            assert actual == annotation.quote
        assert any("re-anchored claim 'l1'" in m for m in report.messages)
        assert text.startswith("Preface")

    def test_vanished_quote_is_reported_not_dropped(self, folder: ProjectFolder,
                                                    tmp_path: Path) -> None:
        """A claim whose quote is gone stops the import with a line naming it."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("li",))
        self.moved_project(tmp_path, folder, TEXTS["mixed"].replace("工业恢复了。", "工业。"))
        with pytest.raises(ProblemList, match="claim 'l1' is no longer in document 'mixed'"):
            import_claims(open_project(folder.root), path, "li-new")

    def test_nearest_occurrence_with_matching_context_wins(self) -> None:
        """Of several occurrences, the one whose prefix and suffix match is chosen first."""
        text = "a cat. the cat sat. a cat."
        assert find_quote(text, "cat", "the ", " sat", 24) == (11, 14, True)
        assert find_quote(text, "cat", "", "", 22) == (22, 25, True)
        assert find_quote(text, "dog", "", "", 0) is None


class TestBadFiles:
    @pytest.mark.parametrize(("content", "message"), [
        ("", "the file is empty"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected an object with \"type\": \"Annotation\""),
        ('"text"', "not an annotate export"),
        ('{"schema_version": 99, "claims": []}', "newer version"),
        ('{"schema_version": 1, "claims": [{"id": "x"}]}', "project: required key is missing"),
    ])
    def test_wrong_shape_is_one_clear_line(self, tmp_path: Path, content: str,
                                           message: str) -> None:
        """A wrong-shaped file fails with one line naming the path and what is wrong."""
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(FileProblem) as caught:
            read_import_file(path)
        assert message in str(caught.value)
        assert str(path) in str(caught.value)
        assert "\n" not in str(caught.value)

    def test_jsonl_error_names_line_and_field(self, folder: ProjectFolder,
                                              tmp_path: Path) -> None:
        """A bad field on line 3 of a JSON Lines file is reported with line and field."""
        path = export_file(folder, tmp_path / "claims.jsonl", "jsonl")
        lines = path.read_text(encoding="utf-8").splitlines()
        claim = json.loads(lines[2])
        claim["start"] = "ten"
        lines[2] = json.dumps(claim)
        path.write_text("\n".join(lines), encoding="utf-8")
        with pytest.raises(FileProblem, match=r"claims.jsonl:3: start: "):
            read_import_file(path)

    def test_w3c_error_names_the_annotation(self, folder: ProjectFolder,
                                            tmp_path: Path) -> None:
        """A W3C annotation without its position selector is named by its place."""
        path = export_file(folder, tmp_path / "claims.jsonld", "w3c")
        data = json.loads(path.read_text(encoding="utf-8"))
        data["first"]["items"][1]["target"]["selector"].pop()
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(FileProblem, match=r"first\.items\[1\]\.target\.selector: no "
                                              r"TextPositionSelector"):
            read_import_file(path)

    def test_unknown_document(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """A claim on a document the project lacks is reported."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("li",))
        path.write_text(path.read_text(encoding="utf-8").replace('"mixed"', '"gone"'),
                        encoding="utf-8")
        with pytest.raises(ProblemList, match="unknown document 'gone'"):
            import_claims(folder, path, "new")


class TestLock:
    def test_live_session_blocks_import(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """While a session holds the annotator's lock, import refuses and writes nothing."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("maria",))
        lock = AnnotatorLock(lock_path(folder.root, "target"))
        lock.acquire()
        try:
            with pytest.raises(LockedError):
                import_claims(folder, path, "target")
        finally:
            lock.release()
        assert not folder.annotator_path("target").exists()

    def test_stale_lock_is_taken_over(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """A lock left by a process that has ended does not block the import."""
        path = export_file(folder, tmp_path / "claims.json", "json", annotators=("maria",))
        stale = lock_path(folder.root, "target")
        stale.write_text(json.dumps({"pid": 2**22 + 12345, "host": os.uname().nodename,
                                     "started": "2024-01-01T00:00:00+00:00"}))
        report = import_claims(folder, path, "target")
        assert report.added == 5
        assert not stale.exists()

    def test_lock_released_after_failure(self, folder: ProjectFolder, tmp_path: Path) -> None:
        """A failed import leaves no lock behind."""
        path = tmp_path / "bad.json"
        path.write_text('{"schema_version": 1, "project": {"id": "0123456789abcdef", '
                        '"title": "x"}, "exported_at": "2024-01-01T00:00:00Z", "documents": '
                        '[], "claims": [], "reviewed": [{"annotator": "a", "document": '
                        '"mixed", "sentences": [99]}]}', encoding="utf-8")
        with pytest.raises(AnnotateError):
            import_claims(folder, path, "target")
        assert not lock_path(folder.root, "target").exists()


class TestJournal:
    def test_import_is_not_undone_by_a_pending_journal(self, folder: ProjectFolder,
                                                       tmp_path: Path) -> None:
        """A crashed session's journal that removed a claim cannot undo its re-import."""
        from annotate.journal import (
            RemoveAnnotation,
            encode_header,
            encode_record,
            journal_path,
        )
        from annotate.session import EditSession

        path = export_file(folder, tmp_path / "claims.json", "json")
        removed = folder.load_annotator("maria").annotations[0].id
        journal = journal_path(folder.root, "maria")
        journal.write_bytes(encode_header(folder.project.id, "maria")
                            + encode_record([RemoveAnnotation(removed)]))
        report = import_claims(folder, path, "maria", source="maria")
        assert report.added == 1
        session = EditSession(folder, "maria", read_only=True)
        assert session.get(removed) is not None
