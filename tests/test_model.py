"""Tests for annotate.model: what the models accept and refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from annotate.model import (
    Annotation,
    AnnotatorFile,
    AttributeDef,
    Document,
    Project,
    SentenceFile,
    TagDef,
    annotator_name_problem,
    relative_path_problem,
)
from annotate.tagset import default_tags

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def annotation(**changes: object) -> Annotation:
    values: dict[str, object] = dict(id="a1", document="doc", start=0, end=5, quote="Hello",
                                     tag="figure", created=NOW, modified=NOW)
    values.update(changes)
    return Annotation.model_validate(values)


class TestAnnotatorNames:
    @pytest.mark.parametrize("name", ["maria", "Lev_2", "a.b-c", "x" * 64])
    def test_safe_names_are_accepted(self, name: str) -> None:
        """Ordinary names made of letters, digits, '.', '_' and '-' are valid file names."""
        assert annotator_name_problem(name) is None

    @pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "con", "nul.txt", "a.",
                                      "x" * 65, "ma ria", "мария", "a\x00"])
    def test_unsafe_names_are_refused_with_a_reason(self, name: str) -> None:
        """Names that could make a path, hide a file or hit a device name are refused."""
        reason = annotator_name_problem(name)
        assert reason and len(reason) > 10


class TestRelativePaths:
    @pytest.mark.parametrize("path", ["../x.txt", "/etc/passwd", "a/../../b", "C:/x",
                                      "a\\b.txt", ""])
    def test_paths_leaving_the_project_are_refused(self, path: str) -> None:
        """Parent references, absolute paths, drives and backslashes are all refused."""
        assert relative_path_problem(path) is not None

    def test_plain_relative_path_is_accepted(self) -> None:
        """A path below the project folder is fine."""
        assert relative_path_problem("documents/a.txt") is None


class TestAnnotation:
    def test_valid_annotation(self) -> None:
        """A span whose quote length matches its offsets validates."""
        assert annotation().end == 5

    def test_reversed_span_is_refused(self) -> None:
        """end must be after start."""
        with pytest.raises(ValidationError, match="must be after start"):
            annotation(start=5, end=5, quote="")

    def test_quote_length_must_match_span(self) -> None:
        """A quote of another length than the span cannot be the span's text."""
        with pytest.raises(ValidationError, match="quote has 4 characters"):
            annotation(quote="Hell")

    def test_unknown_key_is_refused(self) -> None:
        """A misspelt key fails loudly instead of being dropped."""
        with pytest.raises(ValidationError, match="Extra inputs"):
            annotation(colour="red")

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**64])
    def test_non_portable_numbers_are_refused(self, value: object) -> None:
        """NaN, infinities and integers beyond 64 bits cannot round-trip through TOML/JSON."""
        with pytest.raises(ValidationError):
            annotation(attributes={"value": value})

    def test_attribute_types_are_kept(self) -> None:
        """bool, int, float and str attribute values keep their exact type."""
        a = annotation(attributes={"b": True, "i": 3, "f": 2.5, "s": "x"})
        assert [type(v) for v in a.attributes.values()] == [bool, int, float, str]


class TestAnnotatorFile:
    def test_duplicate_ids_are_refused(self) -> None:
        """Two annotations may never share an id."""
        with pytest.raises(ValidationError, match="used twice"):
            AnnotatorFile(annotator="m", project="0123456789abcdef",
                          annotations=[annotation(), annotation()])

    def test_reviewed_runs_round_trip(self) -> None:
        """Runs of three or more reviewed sentences are written as "first-last" and read back."""
        from annotate.model import compress_sentence_runs

        indices = [0, 1, 2, 3, 5, 7, 8, 10, 11, 12]
        assert compress_sentence_runs(indices) == ["0-3", 5, 7, 8, "10-12"]
        f = AnnotatorFile(annotator="m", project="0123456789abcdef",
                          reviewed={"d": compress_sentence_runs(indices)})  # type: ignore[dict-item]
        assert f.reviewed == {"d": indices}

    @pytest.mark.parametrize("run", ["5-3", "0-999999999", "x-y", -1])
    def test_bad_reviewed_runs_are_refused(self, run: object) -> None:
        """Reversed, absurdly long or malformed runs fail validation instead of allocating."""
        with pytest.raises(ValidationError):
            AnnotatorFile(annotator="m", project="0123456789abcdef", reviewed={"d": [run]})  # type: ignore[list-item]

    def test_reviewed_is_sorted_and_deduplicated(self) -> None:
        """Review marks are stored as a sorted set, so files diff cleanly."""
        f = AnnotatorFile(annotator="m", project="0123456789abcdef", reviewed={"d": [3, 1, 3]})
        assert f.reviewed == {"d": [1, 3]}


class TestProjectAndTags:
    def test_default_tag_set_is_valid(self) -> None:
        """The default tag set has four tags with keys 1-4."""
        tags = default_tags()
        assert [t.key for t in tags] == ["1", "2", "3", "4"]
        assert [t.id for t in tags] == ["propaganda", "figure", "quote", "assertion"]

    def test_duplicate_tag_keys_are_refused(self) -> None:
        """Two tags on one key could not both be toggled."""
        tags = default_tags()
        tags[1] = tags[1].model_copy(update={"key": "1"})
        with pytest.raises(ValidationError, match="tag key '1' is used twice"):
            Project.model_validate({"id": "0123456789abcdef", "title": "t",
                                    "tags": [t.model_dump() for t in tags]})

    def test_choice_attribute_needs_options(self) -> None:
        """A choice with nothing to choose is an error in the tag set."""
        with pytest.raises(ValidationError, match="needs at least one option"):
            AttributeDef(id="x", type="choice")

    def test_attribute_value_checks(self) -> None:
        """Each attribute type accepts its own values and names what was wrong otherwise."""
        number = AttributeDef(id="n", type="number")
        choice = AttributeDef(id="c", type="choice", options=["a", "b"])
        flag = AttributeDef(id="f", type="bool")
        assert number.value_problem(3.5) is None
        assert number.value_problem(True) is not None
        assert choice.value_problem("c") == "'c' is not one of: a, b"
        assert flag.value_problem("yes") is not None

    @pytest.mark.parametrize("key", ["j", "q", "?", " ", "\x1b"])
    def test_tag_key_cannot_clash_with_ui_keys(self, key: str) -> None:
        """A tag on a navigation or editing key could never be toggled, so it is refused."""
        with pytest.raises(ValidationError, match="key"):
            TagDef(id="x", key=key, label="X")

    def test_tag_words_its_own_problems(self) -> None:
        """A tag says why a subtype or attribute value does not fit it, naming what does."""
        figure = default_tags()[1]
        assert figure.subtype_problem(None) is None
        assert figure.subtype_problem("statistical") is None
        assert figure.subtype_problem("direct") == (
            "tag 'figure' has no subtype 'direct'; known: statistical, temporal, comparison, "
            "interval")
        assert figure.attribute_problem("value", 8.3) is None
        assert "has no attribute 'speaker'" in (figure.attribute_problem("speaker", "x") or "")
        assert "expected a number" in (figure.attribute_problem("value", "many") or "")

    def test_tag_key_is_one_character(self) -> None:
        """Keys toggle tags in the TUI, so they are a single character."""
        with pytest.raises(ValidationError):
            TagDef(id="x", key="12", label="X")

    def test_document_path_cannot_leave_project(self) -> None:
        """A document path with '..' is refused by the model itself."""
        with pytest.raises(ValidationError, match="leaves the project folder"):
            Document(id="d", path="../d.txt", sha256="0" * 64, sentences="s/d.toml", length=1)


class TestSentenceFile:
    def test_overlapping_sentences_are_refused(self) -> None:
        """Sentence spans must be non-empty, ordered and disjoint."""
        with pytest.raises(ValidationError, match="overlaps"):
            SentenceFile(document="d", sha256="0" * 64, method="m", spans=[(0, 5), (4, 8)])
