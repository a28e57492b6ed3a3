"""The fast annotator-file writer and reader agree with the standard TOML parser."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.storage import annotator_file_to_toml
from annotate.toml_fast import (
    annotations_json,
    dump_string,
    dump_value,
    loads_annotator_data,
)
from tests.test_storage import annotator_files

CANONICAL = """\
schema_version = 1
annotator = "maria"
project = "5a3b1e0c9d2f4a61"

[reviewed]
doc = ["0-39", 41]

[[annotations]]
id = "a1"
document = "doc"
start = 0
end = 5
tag = "figure"
quote = "Hello"
note = "line one\\nline \\"two\\""
created = 2026-01-01T00:00:00+00:00
modified = 2026-01-01T00:00:00+00:00

[annotations.attributes]
value = 7.5
flag = true
"""

SECOND = CANONICAL.replace('id = "a1"', 'id = "a2"').split("[[annotations]]")[1]
TWO_BLOCKS = (CANONICAL.replace("\ncreated = ", "\norphaned = true\ncreated = ")
              + "\n[[annotations]]" + SECOND)


def typed(value: Any) -> Any:
    """``value`` with every scalar paired with its type, so 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, datetime):
        return (datetime, value)
    return (type(value), value)


def read_via_json(text: str) -> dict[str, Any] | None:
    """The file as storage's fast path reads it (the head by the line reader, the annotations
    through ``annotations_json``), datetimes parsed back; None where storage would fall back
    to the general reader: either part declined, or JSON that does not parse."""
    split = annotations_json(text.encode())
    if split is None:
        return None
    head = loads_annotator_data(split[0].decode())
    if head is None or "annotations" in head:
        return None
    try:
        items = json.loads(split[1])
    except ValueError:
        return None
    for item in items:
        for key in ("created", "modified"):
            item[key] = datetime.fromisoformat(item[key])
    return {**head, "annotations": items} if items else head


class TestAgreementWithTomllib:
    @settings(max_examples=200, deadline=None)
    @given(annotator_file=annotator_files())
    def test_writer_output_parses_identically(self, annotator_file) -> None:  # type: ignore[no-untyped-def]
        """Whatever the writer emits, the fast reader and tomllib read the same data."""
        text = annotator_file_to_toml(annotator_file)
        assert loads_annotator_data(text) == tomllib.loads(text)

    @settings(max_examples=300, deadline=None)
    @given(position=st.integers(0, len(CANONICAL)), cut=st.integers(0, 3),
           insert=st.text(alphabet='"\\[]= \n#\'ab01.-:Tu{}\x85\u2028\xa0',
                          max_size=3))
    def test_mutated_text_is_refused_or_read_identically(self, position: int, cut: int,
                                                         insert: str) -> None:
        """A hand-edited file is either left to tomllib (None) or read exactly as tomllib does."""
        text = CANONICAL[:position] + insert + CANONICAL[position + cut:]
        fast = loads_annotator_data(text)
        if fast is None:
            return
        assert fast == tomllib.loads(text)

    def test_canonical_example(self) -> None:
        """The documented layout is read by the fast path."""
        data = loads_annotator_data(CANONICAL)
        assert data is not None
        assert data["annotations"][0]["attributes"] == {"value": 7.5, "flag": True}
        assert data["reviewed"] == {"doc": ["0-39", 41]}

    @pytest.mark.parametrize("text", [
        "a = 1 # comment\n", "a = 'literal'\n", 'a = """multi"""\n', "a = 0x10\n",
        "a = 1_000\n", "a = {b = 1}\n", "a = 1\r\n", '"quoted key" = 1\n', "a = inf\n",
        'a = "\\/"\n', 'a = "\\ud800"\n', "[other]\n", "a = 1\na = 2\n", "a = 007\n",
        "a = [1,\x85 2]\n", "a = [1,\u2028 2]\n", "a = [\u00a01]\n", "a = [1,\x1c2]\n",
    ])
    def test_anything_beyond_the_subset_falls_back(self, text: str) -> None:
        """Comments, other string forms, inline tables, CRLF and the like go to tomllib."""
        assert loads_annotator_data(text) is None


class TestAnnotationsAsJson:
    @settings(max_examples=200, deadline=None)
    @given(annotator_file=annotator_files())
    def test_writer_output_reads_as_tomllib_does(self, annotator_file) -> None:  # type: ignore[no-untyped-def]
        """Every file the writer emits takes the JSON path, and gives tomllib's values."""
        text = annotator_file_to_toml(annotator_file)
        via_json = read_via_json(text)
        assert via_json is not None
        assert typed(via_json) == typed(tomllib.loads(text))

    @settings(max_examples=600, deadline=None)
    @given(position=st.integers(0, len(TWO_BLOCKS)), cut=st.integers(0, 3),
           insert=st.text(alphabet='"\\[]= \n#\'abe01.-+:TZu{},_\x7f\t\x85\u2028\xa0',
                          max_size=3))
    def test_mutated_text_is_declined_or_read_as_tomllib_does(self, position: int, cut: int,
                                                            insert: str) -> None:
        """An edited file either leaves the JSON path or reads exactly as tomllib reads it;
        it is never read when tomllib would refuse it."""
        text = TWO_BLOCKS[:position] + insert + TWO_BLOCKS[position + cut:]
        via_json = read_via_json(text)
        if via_json is None:
            return
        try:
            expected = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            pytest.fail(f"the JSON path read text that TOML refuses: {text!r}")
        assert typed(via_json) == typed(expected)

    def test_both_block_shapes(self) -> None:
        """Blocks with and without attributes, first and last, become one JSON array."""
        via_json = read_via_json(TWO_BLOCKS)
        assert via_json is not None
        first, second = via_json["annotations"]
        assert (first["id"], second["id"]) == ("a1", "a2")
        assert first["attributes"] == {"value": 7.5, "flag": True}
        assert first["orphaned"] is True and "orphaned" not in second
        assert typed(via_json) == typed(tomllib.loads(TWO_BLOCKS))

    def test_no_annotations(self) -> None:
        """A file without annotations gives an empty array and its whole text as the head."""
        text = CANONICAL.split("\n[[annotations]]")[0] + "\n"
        assert annotations_json(text.encode()) == (text.encode(), b"[]")

    @pytest.mark.parametrize("change", [
        ("\ntag =", "\ntag  ="),                      # spacing the writer never makes
        ('quote = "Hello"\n', ""),                     # a required key missing
        ("created = 2026-01-01T00:00:00+00:00", "created = 2026-01-01T00:00:00"),  # local
        ("start = 0", "start = +0"),                   # TOML-only number forms
        ("value = 7.5", "value = 7.5\nvalue = 8"),     # a duplicate attribute
        ('note = "line', 'note = "\\/line'),            # an escape only JSON knows
        ('quote = "Hello"', 'quote = "Hell\\ud83do"'),  # a surrogate escape
        ("end = 5\ntag", "tag = \"figure\"\nend = 5\ntag"),  # keys out of order
    ])
    def test_anything_unlike_the_writer_is_declined(self, change: tuple[str, str]) -> None:
        """Text the writer would not produce goes to the general reader."""
        assert change[0] in TWO_BLOCKS
        assert annotations_json(TWO_BLOCKS.replace(change[0], change[1], 1).encode()) is None


class TestWriter:
    @pytest.mark.parametrize("value", ["plain", 'q"uote', "back\\slash", "tab\there",
                                       "nul\x00", "del\x7f", "esc\x1b[31m", "emoji 👩‍👩‍👧",
                                       "line\u2028sep"])
    def test_strings_round_trip_through_tomllib(self, value: str) -> None:
        """Every string, control characters included, reads back exactly."""
        assert tomllib.loads(f"a = {dump_string(value)}\n")["a"] == value

    @pytest.mark.parametrize("value", [0.1, -0.0, 1e16, 1.5e-7, 123456789.125, 2.0])
    def test_floats_round_trip(self, value: float) -> None:
        """Floats are written so TOML reads the same number."""
        assert tomllib.loads(f"a = {dump_value(value)}\n")["a"] == value

    def test_datetime_round_trip(self) -> None:
        """Datetimes are written as RFC 3339 offset datetimes."""
        moment = datetime(2026, 11, 26, 3, 54, 57, tzinfo=UTC)
        assert tomllib.loads(f"a = {dump_value(moment)}\n")["a"] == moment
