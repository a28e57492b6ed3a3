"""Offsets are Unicode code points everywhere: scripts, emoji, combining marks, RTL and CRLF.

Spans over Cyrillic, CJK, emoji with zero-width joiners, combining marks, right-to-left text
and a document with CRLF line endings must mean the same characters after segmentation,
saving, loading, every export format, import and re-anchoring.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.anchoring import Outcome, reanchor_annotation
from annotate.cli import main
from annotate.export import ExportSelection, plan_export, write_export
from annotate.importing import import_claims
from annotate.model import Annotation, AnnotatorFile
from annotate.segmentation import segment
from annotate.session import EditSession
from annotate.storage import (
    ProjectFolder,
    load_annotator_file,
    open_project,
    save_annotator_file,
)
from tests.conftest import PROJECT_ID, make_project
from tests.session_support import counting_ids, ticking_clock

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

SAMPLES = {
    "cyrillic": "Москва выросла вдвое за пять лет.",
    "cjk": "東京の人口は千四百万人に達した。",
    "emoji-zwj": "The team 👩‍💻👨‍👩‍👧 shipped 3 releases.",
    "combining": "Cafe\u0301 owners said the re\u0301sume\u0301 was fine.",
    "rtl": "אמר השר: המחירים עלו בשליש. قال الوزير إن الأسعار ارتفعت.",
    "crlf": "First line here.\r\nSecond line, 7 million.\r\nThird.",
}
"""One text per script or feature; each has at least one span tested below."""

TEXT = "\r\n".join(SAMPLES.values()) + "\r\n"
"""A document with every sample, CRLF line endings throughout."""

SPANS = {
    "cyrillic": "выросла вдвое",
    "cjk": "千四百万人",
    "emoji-zwj": "👩‍💻👨‍👩‍👧",
    "combining": "Cafe\u0301",
    "rtl": "המחירים עלו בשליש",
    "crlf": "here.\r\nSecond",
}
"""The quote annotated in each sample."""


def grapheme_safe(text: str, offset: int) -> bool:
    """Whether ``offset`` does not split a base character from a mark or a ZWJ sequence."""
    if offset <= 0 or offset >= len(text):
        return True
    after, before = text[offset], text[offset - 1]
    return (not unicodedata.combining(after) and after != "\u200d" and before != "\u200d"
            and not (before == "\r" and after == "\n"))


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """A project whose one document holds every sample, with its segmented sentences."""
    return make_project(tmp_path / "p", TEXT, segment(TEXT))


def annotate_samples(folder: ProjectFolder, annotator: str = "maria") -> dict[str, Annotation]:
    """Tag each sample's span through an edit session; return the annotations by sample."""
    made = {}
    with EditSession(folder, annotator, clock=ticking_clock(), new_id=counting_ids()) as session:
        for name, quote in SPANS.items():
            start = TEXT.index(quote)
            made[name] = session.add("doc", start, start + len(quote), "figure")
    return made


class TestOffsetsAreCodePoints:
    def test_document_length_counts_code_points(self, folder: ProjectFolder) -> None:
        """The recorded length is len(text), not the UTF-8 byte count."""
        document = folder.project.documents[0]
        assert document.length == len(TEXT) < len(TEXT.encode("utf-8"))

    @pytest.mark.parametrize("name", sorted(SPANS))
    def test_span_length_is_code_points(self, folder: ProjectFolder, name: str) -> None:
        """A span's end minus start equals its quote's code points (a ZWJ emoji counts 3+)."""
        annotation = annotate_samples(folder)[name]
        assert annotation.end - annotation.start == len(SPANS[name])
        assert TEXT[annotation.start:annotation.end] == SPANS[name]

    def test_zwj_sequence_lengths(self) -> None:
        """The emoji sample's family sequence is five code points, which is what spans count."""
        assert len("👨‍👩‍👧") == 5
        assert len("👩‍💻") == 3

    def test_sentence_boundaries_never_split_a_character(self) -> None:
        """Sentence spans never separate a combining mark, a ZWJ sequence or a CR LF pair."""
        spans = segment(TEXT)
        assert spans
        for start, end in spans:
            assert grapheme_safe(TEXT, start) and grapheme_safe(TEXT, end)
            assert TEXT[start:end] == TEXT[start:end].strip()

    def test_crlf_is_two_code_points(self) -> None:
        """A CR LF line break occupies two offsets, so lines start after both characters."""
        spans = segment(SAMPLES["crlf"])
        second = SAMPLES["crlf"].index("Second")
        assert second in [start for start, _ in spans]
        assert SAMPLES["crlf"][second - 2:second] == "\r\n"

    def test_segment_command_reports_code_points(self, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
        """'annotate segment --format jsonl' offsets index the text as code points."""
        path = tmp_path / "t.txt"
        path.write_bytes(TEXT.encode("utf-8"))
        assert main(["segment", str(path), "--format", "jsonl"]) == 0
        for line in capsys.readouterr().out.splitlines():
            record = json.loads(line)
            assert TEXT[record["start"]:record["end"]] == record["text"]


class TestRoundTrips:
    def test_save_and_load(self, folder: ProjectFolder) -> None:
        """Every span, including a quote with CR LF inside, survives save and load exactly."""
        made = annotate_samples(folder)
        loaded = {a.id: a for a in load_annotator_file(folder.annotator_path("maria")).annotations}
        for annotation in made.values():
            assert loaded[annotation.id] == annotation
        assert open_project(folder.root).load_annotator("maria").annotations

    @pytest.mark.parametrize("fmt", ["json", "jsonl", "w3c"])
    def test_export_then_import(self, folder: ProjectFolder, tmp_path: Path, fmt: str) -> None:
        """Exported claims import back to the same offsets, quotes and contexts."""
        made = annotate_samples(folder)
        out = io.StringIO()
        write_export(out, plan_export(folder, ExportSelection()), fmt, now=NOW)
        path = tmp_path / f"claims.{fmt}"
        path.write_bytes(out.getvalue().encode("utf-8"))
        report = import_claims(folder, path, "copy")
        assert report.added == len(made) and report.moved == 0
        copied = {a.id: a for a in folder.load_annotator("copy").annotations}
        for annotation in made.values():
            twin = copied[annotation.id]
            assert (twin.start, twin.end, twin.quote, twin.prefix, twin.suffix) == (
                annotation.start, annotation.end, annotation.quote, annotation.prefix,
                annotation.suffix)

    def test_csv_export_quotes_match_offsets(self, folder: ProjectFolder) -> None:
        """In the CSV export each row's quote is the document text at its offsets."""
        annotate_samples(folder)
        out = io.StringIO()
        write_export(out, plan_export(folder, ExportSelection()), "csv", now=NOW)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert len(rows) == len(SPANS)
        for row in rows:
            assert TEXT[int(row["start"]):int(row["end"])] == row["quote"]

    def test_json_export_is_utf8_not_escaped(self, folder: ProjectFolder) -> None:
        """The JSON export keeps non-ASCII text readable (no \\u escapes for letters)."""
        annotate_samples(folder)
        out = io.StringIO()
        write_export(out, plan_export(folder, ExportSelection()), "json", now=NOW)
        assert "выросла вдвое" in out.getvalue()
        assert "千四百万人" in out.getvalue()

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(quote=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
           note=st.text(st.characters(exclude_categories=("Cs",)), max_size=20))
    def test_any_text_round_trips(self, tmp_path: Path, quote: str, note: str) -> None:
        """Any code points (controls, NUL, RTL marks, astral characters) in a quote, its
        context and a note survive save and load."""
        annotation = Annotation(id="u1", document="doc", start=5, end=5 + len(quote),
                                quote=quote, prefix="\u202e\r\n", suffix="\x00\ufeff",
                                tag="figure", note=note, created=NOW, modified=NOW)
        path = tmp_path / "u.toml"
        save_annotator_file(path, AnnotatorFile(annotator="u", project=PROJECT_ID,
                                                annotations=[annotation]))
        assert load_annotator_file(path).annotations == [annotation]


class TestReanchoringCountsCodePoints:
    @pytest.mark.parametrize("name", sorted(SPANS))
    def test_insertion_of_astral_characters(self, name: str) -> None:
        """Inserting emoji before a span moves it by their code points, not their bytes."""
        start = TEXT.index(SPANS[name])
        end = start + len(SPANS[name])
        annotation = Annotation(id="a", document="doc", start=start, end=end, quote=SPANS[name],
                                prefix=TEXT[max(0, start - 32):start], suffix=TEXT[end:end + 32],
                                tag="figure", created=NOW, modified=NOW)
        inserted = "👩‍👩‍👦 ✍🏽 "
        result = reanchor_annotation(annotation, inserted + TEXT)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.start == start + len(inserted)

    def test_crlf_to_lf_conversion(self) -> None:
        """Converting the CRLF document to LF keeps a span across a line break, re-quoted."""
        quote = SPANS["crlf"]
        start = TEXT.index(quote)
        annotation = Annotation(id="a", document="doc", start=start, end=start + len(quote),
                                quote=quote, prefix=TEXT[start - 32:start],
                                suffix=TEXT[start + len(quote):start + len(quote) + 32],
                                tag="figure", created=NOW, modified=NOW)
        lf_text = TEXT.replace("\r\n", "\n")
        result = reanchor_annotation(annotation, lf_text)
        assert result.outcome is Outcome.MOVED
        assert result.annotation.quote == "here.\nSecond"
        assert lf_text[result.annotation.start:result.annotation.end] == "here.\nSecond"
