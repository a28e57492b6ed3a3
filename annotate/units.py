"""Map annotator files onto agreement units: the project's fixed sentences.

A unit is a sentence that at least two of the compared annotators reviewed. An annotator who
did not review a unit has a missing rating there, never a "no claim": only review says that
the absence of a tag was a decision. For each tag a unit is positive for an annotator when any
of their spans of that tag overlaps the sentence. Orphaned annotations are on no sentence.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from annotate.agreement import Row, Tally, tally
from annotate.model import Annotation, AnnotatorFile

SentenceSpans = Sequence[tuple[int, int]]
"""Half-open code-point spans of a document's sentences, in text order."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence used as an agreement unit."""

    document: str
    """Document id."""
    index: int
    """0-based sentence index within the document, as in ``reviewed``."""
    start: int
    """Start offset of the sentence."""
    end: int
    """End offset of the sentence (exclusive)."""


@dataclass(frozen=True, slots=True)
class UnitCodes:
    """Which tags each annotator put on each unit; ``None`` where they did not review it."""

    annotators: tuple[str, ...]
    """Annotator names, one column each."""
    tags: tuple[str, ...]
    """Tag ids considered, in project order."""
    units: tuple[Unit, ...]
    """The units, by document order then sentence index."""
    codes: tuple[tuple[frozenset[str] | None, ...], ...]
    """``codes[u][a]``: the tags annotator ``a`` put on unit ``u``, or None if not reviewed."""
    annotations: tuple[tuple[tuple[Annotation, ...], ...], ...]
    """``annotations[u][a]``: annotator ``a``'s annotations (of considered tags) overlapping
    unit ``u``; empty where not reviewed."""
    _set_tally: Tally | None = field(default=None, compare=False, repr=False)

    def tag_table(self, tag: str) -> list[tuple[int | None, ...]]:
        """Units x annotators table of 1 (tag present), 0 (absent) or None (not reviewed)."""
        return [
            tuple(None if tags is None else int(tag in tags) for tags in row) for row in self.codes
        ]

    def tag_tally(self, tag: str) -> Tally:
        """:meth:`tag_table` already reduced to a Tally, computed from the distinct rows."""
        patterns: Counter[Row] = Counter()
        for row, units in self.set_tally().patterns.items():
            key = tuple(None if tags is None else int(tag in tags) for tags in row)  # type: ignore[operator]
            patterns[key] += units
        return Tally(dict(patterns), len(self.annotators))

    def tag_set_table(self) -> list[tuple[frozenset[str] | None, ...]]:
        """Units x annotators table of tag sets, for alpha with a set distance such as MASI."""
        return [tuple(row) for row in self.codes]

    def set_tally(self) -> Tally:
        """:meth:`tag_set_table` reduced to a Tally (counted once, then cached)."""
        cached = self._set_tally
        if cached is None:
            cached = tally(self.codes)
            object.__setattr__(self, "_set_tally", cached)
        return cached

    def select(self, annotators: Sequence[str]) -> UnitCodes:
        """The same codes for a subset of annotators, keeping units two of them reviewed."""
        columns = [self.annotators.index(name) for name in annotators]
        keep = [
            u for u, row in enumerate(self.codes) if sum(row[c] is not None for c in columns) >= 2
        ]
        return UnitCodes(
            annotators=tuple(annotators),
            tags=self.tags,
            units=tuple(self.units[u] for u in keep),
            codes=tuple(tuple(self.codes[u][c] for c in columns) for u in keep),
            annotations=tuple(tuple(self.annotations[u][c] for c in columns) for u in keep),
        )


def overlapping_sentences(
    sentences: SentenceSpans, start: int, end: int, *, ends: Sequence[int] | None = None
) -> Iterator[int]:
    """Indices of the sentences that share at least one offset with [start, end).

    ``ends`` may pass the sentences' end offsets, precomputed, when calling this often.
    """
    if ends is None:
        ends = [sentence_end for _, sentence_end in sentences]
    index = bisect.bisect_right(ends, start)
    while index < len(sentences) and sentences[index][0] < end:
        if start < sentences[index][1]:
            yield index
        index += 1


def build_units(
    files: Sequence[AnnotatorFile],
    sentences: Mapping[str, SentenceSpans],
    tags: Sequence[str],
    *,
    documents: Collection[str] | None = None,
) -> UnitCodes:
    """Units over ``sentences`` (by document id, in document order) for the given annotators.

    ``tags`` lists the tags to consider, in display order; annotations of other tags are
    ignored, and so are orphaned ones (their offsets refer to an older text). ``documents``
    narrows the units to those documents. Reviewed indices beyond a document's last sentence
    are ignored.
    """
    considered = set(tags)
    names = tuple(f.annotator for f in files)
    ends = {doc: [end for _, end in spans] for doc, spans in sentences.items()}
    per_file: list[dict[str, dict[int, list[Annotation]]]] = []
    no_tags: frozenset[str] = frozenset()
    for annotator_file in files:
        by_document: dict[str, dict[int, list[Annotation]]] = {}
        for annotation in annotator_file.annotations:
            spans = sentences.get(annotation.document)
            if spans is None or annotation.tag not in considered or annotation.orphaned:
                continue
            if documents is not None and annotation.document not in documents:
                continue
            by_index = by_document.setdefault(annotation.document, {})
            found = overlapping_sentences(
                spans, annotation.start, annotation.end, ends=ends[annotation.document]
            )
            for index in found:
                by_index.setdefault(index, []).append(annotation)
        per_file.append(by_document)
    reviewed = [{doc: set(indices) for doc, indices in f.reviewed.items()} for f in files]
    units: list[Unit] = []
    codes: list[tuple[frozenset[str] | None, ...]] = []
    annotations: list[tuple[tuple[Annotation, ...], ...]] = []
    for document_id, spans in sentences.items():
        if documents is not None and document_id not in documents:
            continue
        done = [by_document.get(document_id, set()) for by_document in reviewed]
        cells = [{index: (frozenset([a.tag for a in on]), tuple(on))
                  for index, on in by_document.get(document_id, {}).items()}
                 for by_document in per_file]
        columns = list(zip(done, cells, strict=True))
        empty = (no_tags, ())
        missing = (None, ())
        times_reviewed = Counter(i for indices in done for i in indices if i < len(spans))
        for index in sorted(i for i, count in times_reviewed.items() if count >= 2):
            start, end = spans[index]
            units.append(Unit(document_id, index, start, end))
            row = [cells_of.get(index, empty) if index in indices else missing
                   for indices, cells_of in columns]
            codes.append(tuple([cell[0] for cell in row]))
            annotations.append(tuple([cell[1] for cell in row]))
    return UnitCodes(names, tuple(tags), tuple(units), tuple(codes), tuple(annotations))


def orphaned_counts(files: Sequence[AnnotatorFile],
                    documents: Collection[str] | None = None) -> dict[str, int]:
    """Each annotator's orphaned annotations (in ``documents``, if given), which no unit holds."""
    return {f.annotator: sum(1 for a in f.annotations if a.orphaned
                             and (documents is None or a.document in documents))
            for f in files}
