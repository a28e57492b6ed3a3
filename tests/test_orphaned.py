"""Orphaned annotations (their quote was not found after the document changed) everywhere.

Their offsets refer to an older text, so no output may name a sentence for them: exports give
null sentence fields, imports keep them as they are, agreement leaves them out and says so.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from export_project import PROJECT_ID, TEXTS, WHEN, build_project, make_annotation

from annotate.compare import compare_annotators
from annotate.compare_all import agreement_report
from annotate.export import ExportSelection, plan_export, write_export
from annotate.importing import import_claims
from annotate.model import Annotation, AnnotatorFile
from annotate.stats import project_stats
from annotate.storage import ProjectFolder, open_project, save_annotator_file
from annotate.units import build_units, orphaned_counts

SCHEMA_FILE = Path(__file__).parent.parent / "schemas" / "export.schema.json"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def orphan(annotation_id: str, tag: str = "figure", start: int = 2000) -> Annotation:
    """An orphaned annotation whose stale offsets lie past the end of today's ru-report text."""
    quote = "вырос на 40 процентов"
    return Annotation(id=annotation_id, document="ru-report", start=start,
                      end=start + len(quote), quote=quote, prefix="Выпуск продукции ",
                      suffix=". ", tag=tag, orphaned=True, created=WHEN, modified=WHEN)


def stale_orphan(annotation_id: str) -> Annotation:
    """An orphan whose old offsets fall inside today's sentence 1 (so a stale index exists)."""
    placed = make_annotation("tmp", "ru-report", "вырос на 25 процентов", "figure")
    return Annotation(id=annotation_id, document="ru-report", start=placed.start,
                      end=placed.end, quote="упал на 3 процента!!!", tag="figure",
                      orphaned=True, created=WHEN, modified=WHEN)


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """The export fixture project with two orphans added to maria's file."""
    folder = build_project(tmp_path / "project")
    path = folder.root / "annotations" / "maria.toml"
    maria = folder.load_annotator("maria")
    maria = maria.model_copy(update={"annotations": [
        *maria.annotations, orphan("o1"), stale_orphan("o2")]})
    save_annotator_file(path, maria)
    return open_project(folder.root)


def export(folder: ProjectFolder, fmt: str, **selection: Any) -> str:
    out = io.StringIO()
    write_export(out, plan_export(folder, ExportSelection(**selection)), fmt, now=NOW)
    return out.getvalue()


def claims_by_id(folder: ProjectFolder) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in json.loads(export(folder, "json"))["claims"]}


class TestExport:
    def test_json_gives_orphans_null_sentence_fields(self, folder: ProjectFolder) -> None:
        """An orphan's sentence_index and sentence_text are null, reviewed false, orphaned true."""
        claims = claims_by_id(folder)
        for claim_id in ("o1", "o2"):
            claim = claims[claim_id]
            assert claim["sentence_index"] is None and claim["sentence_text"] is None
            assert claim["orphaned"] is True and claim["reviewed"] is False
        assert claims["m1"]["sentence_index"] == 1 and claims["m1"]["orphaned"] is False

    def test_stale_offsets_inside_the_text_name_no_sentence(self, folder: ProjectFolder) -> None:
        """Even when the old offsets fall inside a reviewed sentence, none is named."""
        claim = claims_by_id(folder)["o2"]
        assert claim["sentence_index"] is None and claim["reviewed"] is False
        assert claim["start"] == make_annotation("x", "ru-report", "вырос на 25 процентов",
                                                 "figure").start

    def test_export_with_orphans_matches_the_schema(self, folder: ProjectFolder) -> None:
        """The committed schema accepts null sentence fields."""
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(export(folder, "json")), schema)

    def test_jsonl_and_w3c_carry_the_same_nulls(self, folder: ProjectFolder) -> None:
        """JSON Lines and the W3C extension fields also say null and orphaned."""
        lines = [json.loads(line) for line in export(folder, "jsonl").splitlines()]
        jsonl = next(c for c in lines if c["id"] == "o1")
        assert jsonl["sentence_index"] is None and jsonl["sentence_text"] is None
        items = json.loads(export(folder, "w3c"))["first"]["items"]
        extra = next(i["annotate:claim"] for i in items if i["annotate:claim"]["id"] == "o1")
        assert extra["sentence_index"] is None and extra["sentence_text"] is None
        assert extra["orphaned"] is True

    def test_csv_leaves_the_sentence_cells_empty(self, folder: ProjectFolder) -> None:
        """CSV rows of orphans have empty sentence cells and orphaned = true."""
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export(folder, "csv")))}
        assert rows["o1"]["sentence_index"] == "" and rows["o1"]["sentence_text"] == ""
        assert rows["o1"]["orphaned"] == "true" and rows["o1"]["reviewed"] == "false"
        assert rows["m1"]["sentence_index"] == "1"

    def test_reviewed_only_leaves_orphans_out(self, folder: ProjectFolder) -> None:
        """An orphan belongs to no sentence, so no reviewed sentence holds it."""
        claims = json.loads(export(folder, "json", reviewed_only=True))["claims"]
        ids = {c["id"] for c in claims}
        assert "m1" in ids and not ids & {"o1", "o2"}


class TestImport:
    @pytest.mark.parametrize("fmt", ["json", "jsonl", "w3c"])
    def test_orphans_round_trip_unchanged(self, folder: ProjectFolder, tmp_path: Path,
                                          fmt: str) -> None:
        """Imported orphans keep their flag, offsets and quote; none is moved or left out."""
        path = tmp_path / f"export.{fmt}"
        path.write_text(export(folder, fmt, annotators=("maria",)), encoding="utf-8")
        report = import_claims(folder, path, "copy")
        assert report.left_out == 0 and report.moved == 0
        copied = {a.id: a for a in folder.load_annotator("copy").annotations}
        assert copied["o1"] == orphan("o1") and copied["o2"] == stale_orphan("o2")

    def test_an_orphans_review_mark_marks_no_sentence(self, folder: ProjectFolder,
                                                      tmp_path: Path) -> None:
        """A claim saying reviewed and orphaned (an older export) marks no sentence."""
        data = json.loads(export(folder, "json", annotators=("maria",)))
        data["claims"] = [c for c in data["claims"] if c["id"] == "o2"]
        data["claims"][0].update(reviewed=True, sentence_index=1, sentence_text="x")
        data["reviewed"] = []
        path = tmp_path / "old.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        report = import_claims(folder, path, "copy")
        assert report.added == 1 and report.reviewed_added == 0
        assert folder.load_annotator("copy").reviewed == {}


def two_annotators(first_extra: list[Annotation]) -> tuple[AnnotatorFile, AnnotatorFile]:
    """Both review ru-report's three sentences; ann tags sentence 1, bob tags nothing."""
    reviewed = {"ru-report": [0, 1, 2]}
    ann = AnnotatorFile(annotator="ann", project=PROJECT_ID, reviewed=reviewed, annotations=[
        make_annotation("a1", "ru-report", "вырос на 25 процентов", "figure"), *first_extra])
    bob = AnnotatorFile(annotator="bob", project=PROJECT_ID, reviewed=reviewed)
    return ann, bob


def sentences(folder: ProjectFolder) -> dict[str, list[tuple[int, int]]]:
    return {d.id: list(folder.sentences(d.id)) for d in folder.project.documents}


class TestAgreement:
    def test_units_ignore_orphans(self, folder: ProjectFolder) -> None:
        """A stale orphan on sentence 1 does not make that sentence positive."""
        ann, bob = two_annotators([stale_orphan("o2")])
        codes = build_units([ann, bob], sentences(folder), ["figure"])
        without, _ = two_annotators([])
        assert codes.codes == build_units([without, bob], sentences(folder), ["figure"]).codes
        assert all(o.id != "o2" for row in codes.annotations for side in row for o in side)

    def test_orphaned_counts_per_annotator(self) -> None:
        """Orphans are counted per annotator, narrowed to the given documents."""
        ann, bob = two_annotators([orphan("o1"), stale_orphan("o2")])
        assert orphaned_counts([ann, bob]) == {"ann": 2, "bob": 0}
        assert orphaned_counts([ann, bob], {"mixed"}) == {"ann": 0, "bob": 0}

    def test_compare_counts_and_reports_orphans(self, folder: ProjectFolder) -> None:
        """Compare leaves orphans out of the per-tag counts and reports how many there are."""
        ann, bob = two_annotators([orphan("o1"), stale_orphan("o2")])
        texts = {d: folder.text(d) for d in TEXTS}
        report = compare_annotators(folder.project, sentences(folder), texts, ann, bob,
                                    resamples=10)
        assert report.orphaned == (2, 0)
        figure = next(t for t in report.tags if t.tag == "figure")
        assert figure.annotations == (1, 0) and figure.positive_units == (1, 0)
        assert report.to_json()["orphaned"] == {"ann": 2, "bob": 0}

    def test_agreement_reports_orphans(self, folder: ProjectFolder) -> None:
        """The all-annotator report says how many orphans each annotator has."""
        ann, bob = two_annotators([orphan("o1")])
        report = agreement_report(folder.project, sentences(folder), [ann, bob])
        assert report.orphaned == {"ann": 1, "bob": 0}
        assert report.to_json()["orphaned"] == {"ann": 1, "bob": 0}

    def test_compare_command_says_what_to_do(self, folder: ProjectFolder) -> None:
        """The readable compare report names the annotator and the way forward."""
        ann, bob = two_annotators([orphan("o1"), stale_orphan("o2")])
        for annotator_file in (ann, bob):
            save_annotator_file(folder.root / f"annotations/{annotator_file.annotator}.toml",
                                annotator_file)
        result = subprocess.run(
            [sys.executable, "-m", "annotate", "compare", "--resamples", "10",
             str(folder.root / "annotations/ann.toml"), str(folder.root / "annotations/bob.toml")],
            capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
        assert result.returncode == 0, result.stderr
        assert ("ann: 2 orphaned annotations not compared; run annotate reanchor or fix them"
                in result.stdout)
        assert "bob:" not in result.stdout.split("Per tag")[0].split("\n", 1)[1]


class TestStats:
    def test_stats_count_orphans_per_annotator(self, folder: ProjectFolder) -> None:
        """project_stats gives each annotator's orphaned count (zero for li)."""
        stats = project_stats(folder.root)
        by_name = {a.name: a for a in stats.annotators}
        assert by_name["maria"].orphaned == 2 and by_name["li"].orphaned == 0
        assert stats.to_json()["annotators"][1]["orphaned"] == 2

    def test_stats_show_the_column_only_when_needed(self, folder: ProjectFolder,
                                                    tmp_path: Path) -> None:
        """The orphaned column appears when some annotator has orphans, and not otherwise."""
        def stats_output(root: Path) -> str:
            result = subprocess.run([sys.executable, "-m", "annotate", "stats", str(root)],
                                    capture_output=True, text=True, timeout=60,
                                    env={**os.environ, "COLUMNS": "200"})
            assert result.returncode == 0, result.stderr
            return result.stdout

        assert "orphaned" in stats_output(folder.root)
        assert "orphaned" not in stats_output(build_project(tmp_path / "clean").root)
