"""Mapping annotator files to sentence units: review decides what is missing data."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from annotate.model import Annotation, AnnotatorFile
from annotate.units import build_units, overlapping_sentences

PROJECT = "5a3b1e0c9d2f4a61"
WHEN = datetime(2025, 1, 1, tzinfo=UTC)
TEXT = "Hello world. This is a test of 7 million workers.\nA heading\n"
SENTENCES = {"doc": [(0, 12), (13, 49), (50, 59)]}
TAGS = ["propaganda", "figure", "quote", "assertion"]


def annotation(
    ident: str, start: int, end: int, tag: str, subtype: str | None = None
) -> Annotation:
    """An annotation on TEXT with a matching quote."""
    return Annotation(
        id=ident, document="doc", start=start, end=end, quote=TEXT[start:end], tag=tag,
        subtype=subtype, created=WHEN, modified=WHEN,
    )  # fmt: skip


def annotator(name: str, reviewed: list[int], *annotations: Annotation) -> AnnotatorFile:
    """An annotator file on the test project."""
    return AnnotatorFile(
        annotator=name, project=PROJECT, reviewed={"doc": reviewed}, annotations=list(annotations)
    )


class TestOverlappingSentences:
    """Finding the sentences a span touches."""

    def test_span_inside_one_sentence(self) -> None:
        """A span within a sentence maps to that sentence only."""
        assert list(overlapping_sentences(SENTENCES["doc"], 31, 40)) == [1]

    def test_span_across_sentences_and_gaps(self) -> None:
        """A span crossing a boundary touches both sentences; the gap between them none."""
        assert list(overlapping_sentences(SENTENCES["doc"], 5, 20)) == [0, 1]
        assert list(overlapping_sentences(SENTENCES["doc"], 12, 13)) == []
        assert list(overlapping_sentences(SENTENCES["doc"], 0, 59)) == [0, 1, 2]


class TestBuildUnits:
    """Units, codes and missing data."""

    def test_units_are_sentences_both_reviewed(self) -> None:
        """A sentence only one annotator reviewed is not a unit of a two-annotator comparison."""
        codes = build_units([annotator("ann", [0, 1]), annotator("bob", [1, 2])], SENTENCES, TAGS)
        assert [u.index for u in codes.units] == [1]

    def test_unreviewed_is_missing_not_no_claim(self) -> None:
        """With three annotators, a unit one did not review holds None, not an empty set."""
        files = [annotator("ann", [0, 1]), annotator("bob", [0, 1]), annotator("cy", [1])]
        codes = build_units(files, SENTENCES, TAGS)
        assert codes.codes[0] == (frozenset(), frozenset(), None)
        assert codes.tag_table("figure")[0] == (0, 0, None)

    def test_unit_positive_when_any_span_of_the_tag_overlaps(self) -> None:
        """A tag counts on every sentence its span touches, once however many spans."""
        files = [
            annotator(
                "ann", [0, 1, 2],
                annotation("a1", 5, 20, "propaganda"), annotation("a2", 31, 40, "figure"),
                annotation("a3", 23, 27, "figure"),
            ),
            annotator("bob", [0, 1, 2]),
        ]  # fmt: skip
        codes = build_units(files, SENTENCES, TAGS)
        assert codes.codes[0][0] == frozenset({"propaganda"})
        assert codes.codes[1][0] == frozenset({"propaganda", "figure"})
        assert codes.tag_table("figure") == [(0, 0), (1, 0), (0, 0)]
        assert len(codes.annotations[1][0]) == 3

    def test_tag_tally_matches_tag_table(self) -> None:
        """The pattern-counted per-tag tally equals counting the per-tag table directly."""
        files = [
            annotator("ann", [0, 1, 2], annotation("a1", 0, 5, "quote")),
            annotator("bob", [0, 2], annotation("b1", 50, 55, "quote")),
            annotator("cy", [0, 1, 2], annotation("c1", 0, 5, "quote")),
        ]
        codes = build_units(files, SENTENCES, TAGS)
        assert codes.tag_tally("quote").patterns == Counter(codes.tag_table("quote"))

    def test_filters_tags_and_documents(self) -> None:
        """Annotations of other tags are ignored; a document filter leaves no other units."""
        files = [
            annotator("ann", [0], annotation("a1", 0, 5, "quote")),
            annotator("bob", [0], annotation("b1", 0, 5, "figure")),
        ]
        codes = build_units(files, SENTENCES, ["figure"])
        assert codes.codes == ((frozenset(), frozenset({"figure"})),)
        assert build_units(files, SENTENCES, TAGS, documents=["other"]).units == ()

    def test_reviewed_index_past_the_end_is_ignored(self) -> None:
        """A reviewed index beyond the document's sentences does not create a unit."""
        codes = build_units([annotator("a", [0, 7]), annotator("b", [0, 7])], SENTENCES, TAGS)
        assert [u.index for u in codes.units] == [0]

    def test_select_pairs_from_many(self) -> None:
        """Selecting two annotators keeps the units both of them reviewed."""
        files = [annotator("ann", [0, 1]), annotator("bob", [1, 2]), annotator("cy", [0, 2])]
        codes = build_units(files, SENTENCES, TAGS)
        assert [u.index for u in codes.units] == [0, 1, 2]
        assert [u.index for u in codes.select(["ann", "cy"]).units] == [0]
        assert codes.select(["bob", "cy"]).annotators == ("bob", "cy")
