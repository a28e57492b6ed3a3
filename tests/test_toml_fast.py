"""The fast annotator-file writer and reader agree with the standard TOML parser."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.storage import annotator_file_to_toml
from annotate.toml_fast import dump_string, dump_value, loads_annotator_data
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


class TestAgreementWithTomllib:
    @settings(max_examples=200, deadline=None)
    @given(annotator_file=annotator_files())
    def test_writer_output_parses_identically(self, annotator_file) -> None:  # type: ignore[no-untyped-def]
        """Whatever the writer emits, the fast reader and tomllib read the same data."""
        text = annotator_file_to_toml(annotator_file)
        assert loads_annotator_data(text) == tomllib.loads(text)

    @settings(max_examples=300, deadline=None)
    @given(position=st.integers(0, len(CANONICAL)), cut=st.integers(0, 3),
           insert=st.text(alphabet='"\\[]= \n#\'ab01.-:Tu{}', max_size=3))
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
    ])
    def test_anything_beyond_the_subset_falls_back(self, text: str) -> None:
        """Comments, other string forms, inline tables, CRLF and the like go to tomllib."""
        assert loads_annotator_data(text) is None


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
