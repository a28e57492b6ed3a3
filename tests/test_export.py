"""Export: shape, order, quotes, filters, the schema, and every format's reader."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from export_project import PROJECT_ID, TEXTS, build_project
from pydantic_core import TzInfo, to_json

from annotate.errors import AnnotateError, SaveError, UsageError
from annotate.export import (
    CSV_FIELDS,
    ExportSelection,
    current_annotator_file,
    iso_time,
    open_output,
    plan_export,
    sentence_index,
    write_export,
)
from annotate.export_model import CLAIM_FIELDS, export_schema, export_schema_text
from annotate.export_w3c import ANNO_CONTEXT
from annotate.storage import ProjectFolder, open_project

DATA = Path(__file__).parent / "data" / "export"
SCHEMA_FILE = Path(__file__).parent.parent / "schemas" / "export.schema.json"
SAMPLE = Path(__file__).parent.parent / "sample_projects" / "industry-recovery"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
UPDATE = os.environ.get("ANNOTATE_UPDATE_GOLDEN") == "1"


def export_text(folder: ProjectFolder, fmt: str = "json", **selection: Any) -> str:
    """Export into a string."""
    excel = selection.pop("excel", False)
    out = io.StringIO()
    write_export(out, plan_export(folder, ExportSelection(**selection)), fmt, now=NOW,
                 excel=excel)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    return build_project(tmp_path / "project")


def check_golden(name: str, text: str) -> None:
    """Compare with tests/data/export/<name>; ANNOTATE_UPDATE_GOLDEN=1 rewrites it."""
    path = DATA / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
    assert path.read_text(encoding="utf-8") == text, (
        f"the export shape changed; if intended, rerun with ANNOTATE_UPDATE_GOLDEN=1 and "
        f"bump EXPORT_SCHEMA_VERSION if the change is not backward compatible ({path})")


class TestJsonShape:
    def test_golden_file(self, folder: ProjectFolder) -> None:
        """The JSON export of the fixture project is byte for byte the committed golden file."""
        check_golden("fixture.json", export_text(folder))

    @pytest.mark.skipif(not SAMPLE.exists(), reason="sample project not present")
    def test_sample_project_golden_file(self) -> None:
        """The JSON export of the sample project is the committed golden file."""
        check_golden("industry-recovery.json", export_text(open_project(SAMPLE)))

    def test_top_level_fields(self, folder: ProjectFolder) -> None:
        """The export names the schema version, the project, the time and the documents."""
        data = json.loads(export_text(folder))
        assert list(data) == ["schema_version", "project", "exported_at", "documents",
                              "claims", "reviewed"]
        assert data["project"] == {"id": PROJECT_ID, "title": "Export fixture"}
        assert data["exported_at"] == "2024-06-01T12:00:00Z"
        assert [d["id"] for d in data["documents"]] == ["ru-report", "mixed"]
        assert all(len(d["sha256"]) == 64 for d in data["documents"])

    def test_claim_fields_in_model_order(self, folder: ProjectFolder) -> None:
        """Every claim has exactly the model's fields, in the model's order."""
        for claim in json.loads(export_text(folder))["claims"]:
            assert tuple(claim) == CLAIM_FIELDS

    def test_order_is_annotator_document_start(self, folder: ProjectFolder) -> None:
        """Claims come by annotator, then document in project order, then start, end, id."""
        claims = json.loads(export_text(folder))["claims"]
        documents = ["ru-report", "mixed"]
        keys = [(c["annotator"], documents.index(c["document"]), c["start"], c["end"], c["id"])
                for c in claims]
        assert keys == sorted(keys)
        assert [c["id"] for c in claims] == ["l3", "l1", "l2", "m1", "m2", "m3", "m4", "m5"]

    def test_only_the_time_differs_between_runs(self, folder: ProjectFolder) -> None:
        """Two exports at different times differ only in exported_at."""
        first = json.loads(export_text(folder))
        out = io.StringIO()
        write_export(out, plan_export(folder, ExportSelection()), "json",
                     now=datetime(2030, 1, 1, tzinfo=UTC))
        second = json.loads(out.getvalue())
        assert second.pop("exported_at") != first.pop("exported_at")
        assert first == second

    def test_reviewed_and_sentence_of_each_claim(self, folder: ProjectFolder) -> None:
        """A claim carries its sentence's index, text and review mark."""
        claims = {c["id"]: c for c in json.loads(export_text(folder))["claims"]}
        assert claims["m1"]["sentence_index"] == 1
        assert claims["m1"]["sentence_text"] == "Выпуск продукции вырос на 25 процентов."
        assert claims["m1"]["reviewed"] is True
        assert claims["l1"]["reviewed"] is False
        assert claims["m2"]["modified"] == "2024-05-02T17:05:12Z"
        assert claims["m1"]["attributes"] == {"checked": False, "unit": "процентов",
                                              "value": 25}

    def test_reviewed_list_names_every_reviewed_sentence(self, folder: ProjectFolder) -> None:
        """The reviewed list keeps review marks of sentences without claims too."""
        reviewed = json.loads(export_text(folder))["reviewed"]
        assert {"annotator": "maria", "document": "ru-report", "sentences": [0, 1, 2]} in reviewed


class TestQuotes:
    def test_quote_is_the_text_at_the_offsets(self, folder: ProjectFolder) -> None:
        """Each quote equals the document text at [start, end) in code points (CJK, emoji)."""
        claims = json.loads(export_text(folder))["claims"]
        for claim in claims:
            assert TEXTS[claim["document"]][claim["start"]:claim["end"]] == claim["quote"]
        quotes = {c["quote"] for c in claims}
        assert "👩\u200d🔬 reported 3 cafe\u0301s" in quotes
        assert "🇺🇦" in quotes

    def test_zwj_emoji_counts_code_points(self, folder: ProjectFolder) -> None:
        """A ZWJ sequence and a flag are several code points, as in Python strings."""
        claims = {c["id"]: c for c in json.loads(export_text(folder))["claims"]}
        assert claims["m5"]["end"] - claims["m5"]["start"] == 2
        assert claims["m4"]["quote"].startswith("👩\u200d🔬")

    @pytest.mark.skipif(not SAMPLE.exists(), reason="sample project not present")
    def test_sample_project_quotes(self) -> None:
        """Over the sample project, every quote equals its document's text at its offsets."""
        folder = open_project(SAMPLE)
        claims = json.loads(export_text(folder))["claims"]
        assert claims
        for claim in claims:
            text = folder.text(claim["document"])
            assert text[claim["start"]:claim["end"]] == claim["quote"]
            start, end = folder.sentences(claim["document"])[claim["sentence_index"]]
            assert claim["sentence_text"] == text[start:end]


class TestSentenceIndex:
    def test_inside_gap_and_edges(self) -> None:
        """An offset maps to its sentence, a gap to the next one, the end to the last one."""
        starts, ends = [0, 10, 20], [8, 18, 30]
        assert sentence_index(starts, ends, 0) == 0
        assert sentence_index(starts, ends, 7) == 0
        assert sentence_index(starts, ends, 9) == 1
        assert sentence_index(starts, ends, 25) == 2
        assert sentence_index(starts, ends, 40) == 2
        assert sentence_index([], [], 3) is None

    def test_before_first_sentence(self) -> None:
        """Leading whitespace before the first sentence belongs to the first sentence."""
        assert sentence_index([2], [5], 0) == 0


class TestFilters:
    def test_annotator_document_and_tag(self, folder: ProjectFolder) -> None:
        """Filters combine: one annotator's figures on one document."""
        claims = json.loads(export_text(folder, annotators=("maria",), documents=("mixed",),
                                        tags=("figure",)))["claims"]
        assert [c["id"] for c in claims] == ["m3", "m4"]

    def test_document_filter_limits_documents_list(self, folder: ProjectFolder) -> None:
        """With --document, the documents list names only the chosen ones."""
        data = json.loads(export_text(folder, documents=("mixed",)))
        assert [d["id"] for d in data["documents"]] == ["mixed"]

    def test_reviewed_only(self, folder: ProjectFolder) -> None:
        """--reviewed-only keeps only claims whose sentence was reviewed."""
        claims = json.loads(export_text(folder, reviewed_only=True))["claims"]
        assert claims and all(c["reviewed"] for c in claims)
        assert "l1" not in {c["id"] for c in claims}

    @pytest.mark.parametrize(("selection", "message"), [
        ({"annotators": ("bob",)}, "no annotator 'bob'"),
        ({"tags": ("nope",)}, "no tag 'nope'"),
        ({"documents": ("nope",)}, "no document 'nope'"),
    ])
    def test_unknown_names_fail(self, folder: ProjectFolder, selection: dict[str, Any],
                                message: str) -> None:
        """An unknown annotator, tag or document in a filter is an error naming it."""
        with pytest.raises(AnnotateError, match=message):
            plan_export(folder, ExportSelection(**selection))

    def test_unknown_format(self, folder: ProjectFolder) -> None:
        """An unknown format is a usage error."""
        with pytest.raises(UsageError, match="unknown export format"):
            export_text(folder, "xml")


class TestSchema:
    def test_committed_schema_matches_models(self) -> None:
        """schemas/export.schema.json is what the models generate (python -m annotate.export_model)."""  # noqa: E501
        assert SCHEMA_FILE.read_text(encoding="utf-8") == export_schema_text()

    def test_every_field_is_described(self) -> None:
        """Every property in the schema has a description."""
        schema = export_schema()
        for model in [schema, *schema["$defs"].values()]:
            for name, prop in model["properties"].items():
                assert prop.get("description"), name

    def test_real_export_validates(self, folder: ProjectFolder) -> None:
        """A real export is valid against the committed schema."""
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(json.loads(export_text(folder)))

    @pytest.mark.skipif(not SAMPLE.exists(), reason="sample project not present")
    def test_sample_export_validates(self) -> None:
        """The sample project's export is valid against the schema."""
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        data = json.loads(export_text(open_project(SAMPLE)))
        jsonschema.Draft202012Validator(schema).validate(data)

    def test_schema_rejects_wrong_shape(self, folder: ProjectFolder) -> None:
        """The schema catches a claim with a missing field."""
        data = json.loads(export_text(folder))
        del data["claims"][0]["quote"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, export_schema())


class TestTimes:
    @pytest.mark.parametrize("moment", [
        datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 9, 0, 0, 5, tzinfo=UTC),
        datetime(2024, 5, 1, 9, 0, 0, 120_000, tzinfo=TzInfo(0)),  # as pydantic reads JSON
        datetime(2024, 5, 1, 9, 0),
        datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))),
        datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    ])
    def test_every_writer_writes_a_time_alike(self, moment: datetime) -> None:
        """JSON and W3C leave times to pydantic's to_json, JSONL and CSV use iso_time: both
        give the same text for every time an annotator file can hold (TOML offsets are whole
        minutes)."""
        assert to_json(moment).decode() == json.dumps(iso_time(moment))


class TestJsonLines:
    def test_one_claim_per_line(self, folder: ProjectFolder) -> None:
        """Each line is one claim with the same fields as the JSON export."""
        lines = export_text(folder, "jsonl").splitlines()
        claims = [json.loads(line) for line in lines]
        assert claims == json.loads(export_text(folder))["claims"]

    def test_line_separators_in_text_stay_inside_lines(self, tmp_path: Path) -> None:
        """A U+2028 in a note does not break the file into more lines than claims."""
        folder = build_project(tmp_path / "p")
        from annotate.storage import load_annotator_file, save_annotator_file

        path = folder.annotator_path("li")
        li = load_annotator_file(path)
        li.annotations = [a.model_copy(update={"note": "a\u2028b\nc"}) if a.id == "l1" else a
                          for a in li.annotations]
        save_annotator_file(path, li)
        text = export_text(open_project(folder.root), "jsonl", annotators=("li",))
        assert text.count("\n") == 3
        notes = {c["id"]: c["note"] for c in map(json.loads, text.split("\n")[:3])}
        assert notes["l1"] == "a\u2028b\nc"


class TestCsv:
    def rows(self, text: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(text, newline="")))

    def test_header_and_attribute_columns(self, folder: ProjectFolder) -> None:
        """The header is the claim fields then attr.<name> for every attribute the tag set
        declares, sorted."""
        header = next(csv.reader(io.StringIO(export_text(folder, "csv"))))
        assert header == [*CSV_FIELDS, "attr.certainty", "attr.checked", "attr.unit",
                          "attr.value"]

    def test_attribute_columns_follow_the_exported_tags(self, folder: ProjectFolder) -> None:
        """Filtering to quotes, whose tag declares no attributes, leaves no attribute columns;
        filtering to figures keeps all three figure columns."""
        header = next(csv.reader(io.StringIO(export_text(folder, "csv", tags=("quote",)))))
        assert header == list(CSV_FIELDS)
        header = next(csv.reader(io.StringIO(export_text(folder, "csv", tags=("figure",)))))
        assert header == [*CSV_FIELDS, "attr.checked", "attr.unit", "attr.value"]

    def test_header_does_not_depend_on_the_claims(self, folder: ProjectFolder) -> None:
        """An annotator whose claims use no attribute still gets every declared column, so
        scripts reading attr.value work on any export of the project."""
        for annotator in ("maria", "li"):
            header = next(csv.reader(io.StringIO(
                export_text(folder, "csv", annotators=(annotator,)))))
            assert header[len(CSV_FIELDS):] == ["attr.certainty", "attr.checked", "attr.unit",
                                                "attr.value"]

    def test_undeclared_attribute_stops_with_a_clear_error(self, folder: ProjectFolder) -> None:
        """An attribute the tag set no longer declares (an unsaved edit made before
        project.toml changed) has no CSV column: the export stops with a message instead of
        dropping it, and JSON keeps it."""
        maria, warnings = current_annotator_file(folder, "maria")
        changed = maria.model_copy(update={"annotations": [
            a.model_copy(update={"attributes": {**a.attributes, "baseline": "1913"}})
            if a.id == "m1" else a for a in maria.annotations]})
        for fmt in ("csv", "json"):
            plan = plan_export(folder, ExportSelection(annotators=("maria",)))
            plan.load = lambda _f, _name: (changed, warnings)
            out = io.StringIO()
            if fmt == "csv":
                with pytest.raises(AnnotateError, match="'baseline', which tag 'figure' no "
                                                        "longer declares"):
                    write_export(out, plan, fmt, now=NOW)
            else:
                write_export(out, plan, fmt, now=NOW)
                claims = {c["id"]: c for c in json.loads(out.getvalue())["claims"]}
                assert claims["m1"]["attributes"]["baseline"] == "1913"

    def test_rows_stream(self, folder: ProjectFolder) -> None:
        """The header and the first annotator's rows are written before the next annotator's
        file is read, so memory does not grow with the export."""
        out = io.StringIO()
        seen: list[int] = []
        plan = plan_export(folder, ExportSelection())

        def load(f: ProjectFolder, name: str) -> Any:
            seen.append(len(out.getvalue().splitlines()))
            return current_annotator_file(f, name)

        plan.load = load
        write_export(out, plan, "csv")
        assert seen[0] == 1 and seen[1] > 1

    def test_notes_with_newlines_and_quotes_read_back(self, folder: ProjectFolder) -> None:
        """csv.DictReader gets notes with newlines and double quotes back exactly."""
        rows = {r["id"]: r for r in self.rows(export_text(folder, "csv"))}
        assert rows["m1"]["note"] == "Сверить с отчётом\nза 1926 год, \"стр. 4\""
        assert rows["m1"]["attr.value"] == "25"
        assert rows["m1"]["attr.checked"] == "false"
        assert rows["m3"]["attr.value"] == "75.0"
        assert rows["l1"]["subtype"] == ""
        assert rows["m4"]["note"] == "=1+1"
        assert len(rows) == 8

    def test_excel_adds_bom_and_neutralises_formulas(self, folder: ProjectFolder) -> None:
        """--excel starts with a BOM and prefixes formula-like text cells with '."""
        text = export_text(folder, "csv", excel=True)
        assert text.startswith("\ufeff")
        rows = {r["id"]: r for r in self.rows(text.removeprefix("\ufeff"))}
        assert rows["m4"]["note"] == "'=1+1"
        assert rows["l2"]["quote"] == "\"=SUM(1,2)\""
        assert rows["l2"]["note"] == "'-starts with a minus"


class TestW3C:
    def collection(self, folder: ProjectFolder) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(export_text(folder, "w3c"))
        return data

    def test_collection_shape(self, folder: ProjectFolder) -> None:
        """The file is an AnnotationCollection with the W3C context and every claim."""
        data = self.collection(folder)
        assert data["@context"][0] == ANNO_CONTEXT
        assert data["type"] == "AnnotationCollection"
        assert data["total"] == len(data["first"]["items"]) == 8

    def test_annotation_selectors_and_bodies(self, folder: ProjectFolder) -> None:
        """A claim has quote and position selectors, a tagging body and a commenting body."""
        items = {a["annotate:claim"]["id"]: a for a in self.collection(folder)["first"]["items"]}
        m1 = items["m1"]
        assert m1["type"] == "Annotation"
        quote, position = m1["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert quote["exact"] == "вырос на 25 процентов"
        assert position == {"type": "TextPositionSelector", "start": 41, "end": 62}
        assert m1["body"][0] == {"type": "TextualBody", "purpose": "tagging", "value": "figure"}
        assert m1["body"][1]["purpose"] == "commenting"
        assert len(items["m5"]["body"]) == 1

    def test_selectors_point_at_the_text(self, folder: ProjectFolder) -> None:
        """Each TextPositionSelector range of the source text is its TextQuoteSelector exact."""
        for item in self.collection(folder)["first"]["items"]:
            quote, position = item["target"]["selector"]
            document = item["target"]["source"].rsplit(":", 1)[1]
            text = TEXTS[document]
            assert text[position["start"]:position["end"]] == quote["exact"]
            assert text[:position["start"]].endswith(quote["prefix"])
            assert text[position["end"]:].startswith(quote["suffix"])


class TestW3CSchema:
    SCHEMA = Path(__file__).parent.parent / "schemas" / "w3c-collection.schema.json"

    def schema(self) -> dict[str, Any]:
        import jsonschema

        schema: dict[str, Any] = json.loads(self.SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return schema

    def test_export_meets_the_web_annotation_requirements(self, folder: ProjectFolder) -> None:
        """A W3C export validates against the Web Annotation Data Model's MUSTs we rely on."""
        import jsonschema

        data = json.loads(export_text(folder, "w3c"))
        jsonschema.validate(data, self.schema(), format_checker=jsonschema.FormatChecker())

    def test_sample_project_export_validates(self) -> None:
        """The sample project's W3C export validates too (the file a user tries first)."""
        import jsonschema

        from annotate.storage import open_project

        sample = open_project(Path(__file__).parent.parent / "sample_projects" /
                              "industry-recovery")
        data = json.loads(export_text(sample, "w3c"))
        jsonschema.validate(data, self.schema(), format_checker=jsonschema.FormatChecker())
        assert data["total"] == len(data["first"]["items"]) > 0

    def test_schema_rejects_a_selector_without_exact(self, folder: ProjectFolder) -> None:
        """The schema is not vacuous: a TextQuoteSelector without ``exact`` fails it."""
        import jsonschema

        data = json.loads(export_text(folder, "w3c"))
        del data["first"]["items"][0]["target"]["selector"][0]["exact"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, self.schema())


class TestOutput:
    def test_atomic_file_replaced_only_on_success(self, tmp_path: Path) -> None:
        """A failed export leaves the previous file unchanged and no temporary file behind."""
        target = tmp_path / "claims.json"
        target.write_text("old", encoding="utf-8")
        with pytest.raises(RuntimeError), open_output(target) as out:
            out.write("partial")
            raise RuntimeError("boom")
        assert target.read_text(encoding="utf-8") == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["claims.json"]

    def test_missing_folder_is_a_save_error(self, tmp_path: Path) -> None:
        """An output path in a missing folder is a SaveError naming the path."""
        with pytest.raises(SaveError, match="cannot write"), open_output(
                tmp_path / "missing" / "x.json"):
            pass

    def test_folder_as_output_is_a_save_error(self, tmp_path: Path) -> None:
        """A folder given as output file is refused."""
        with pytest.raises(SaveError, match="is a folder"), open_output(tmp_path):
            pass
