"""The in-memory side of an editing session: annotations and review marks, indexed for the UI.

Every query here is cheap at any size (dict look-ups, an interval index, bisection), because
the UI asks them on each key press; locking and persistence live in ``annotate.session``.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from annotate.errors import AnnotateError
from annotate.journal import Operation, PutAnnotation, SetReviewed
from annotate.model import Annotation, AnnotatorFile, AttributeValue, TagDef
from annotate.span_index import SpanIndex


class AnnotatorState:
    """One annotator's annotations and review marks, with per-document indexes."""

    def __init__(self, stored: AnnotatorFile) -> None:
        self.by_id: dict[str, Annotation] = {}
        self._spans: dict[str, SpanIndex] = {}
        self._sorted: dict[str, list[Annotation]] = {}
        self._tag_counts: dict[str, dict[str, int]] = {}
        self._reviewed: dict[str, list[int]] = {
            document: sorted(set(indices)) for document, indices in stored.reviewed.items()}
        by_document: dict[str, list[Annotation]] = {}
        for annotation in stored.annotations:
            self.by_id[annotation.id] = annotation
            by_document.setdefault(annotation.document, []).append(annotation)
            counts = self._tag_counts.setdefault(annotation.document, {})
            counts[annotation.tag] = counts.get(annotation.tag, 0) + 1
        for document, listed in by_document.items():
            self._spans[document] = SpanIndex((a.start, a.end, a.id) for a in listed)

    # --- queries ------------------------------------------------------------------------------

    def annotations(self, document: str) -> list[Annotation]:
        """The document's annotations sorted by (start, end, id); cached until a change."""
        cached = self._sorted.get(document)
        if cached is None:
            index = self._spans.get(document)
            cached = [self.by_id[key[2]] for key in index] if index else []
            self._sorted[document] = cached
        return list(cached)

    def overlapping(self, document: str, start: int, end: int) -> list[Annotation]:
        """Annotations sharing a position with [start, end) (containing ``start`` if empty)."""
        index = self._spans.get(document)
        if index is None:
            return []
        return [self.by_id[key[2]] for key in index.overlapping(start, end)]

    def exactly(self, document: str, start: int, end: int, tag: str) -> list[Annotation]:
        """Annotations of ``tag`` on exactly [start, end)."""
        return [a for a in self.overlapping(document, start, end)
                if a.start == start and a.end == end and a.tag == tag]

    def reviewed(self) -> dict[str, list[int]]:
        """A copy of the review marks of every document that has any."""
        return {document: list(ix) for document, ix in sorted(self._reviewed.items()) if ix}

    def is_reviewed(self, document: str, sentence: int) -> bool:
        """Whether the sentence is marked reviewed."""
        indices = self._reviewed.get(document, [])
        position = bisect_left(indices, sentence)
        return position < len(indices) and indices[position] == sentence

    def reviewed_count(self, document: str) -> int:
        """How many of the document's sentences are marked reviewed."""
        return len(self._reviewed.get(document, []))

    def next_unreviewed(self, document: str, after: int, total: int,
                        backwards: bool = False) -> int | None:
        """The nearest unreviewed sentence after (or before) ``after``; O(log n)."""
        indices = self._reviewed.get(document, [])
        if backwards:
            candidate = min(after - 1, total - 1)
            position = bisect_left(indices, candidate)
            if position < len(indices) and indices[position] == candidate:
                candidate = indices[_run_edge(indices, position, backwards=True)] - 1
            return candidate if candidate >= 0 else None
        candidate = max(after + 1, 0)
        position = bisect_left(indices, candidate)
        if position < len(indices) and indices[position] == candidate:
            candidate = indices[_run_edge(indices, position, backwards=False)] + 1
        return candidate if candidate < total else None

    def tag_counts(self, document: str) -> dict[str, int]:
        """How many annotations of each tag the document has (tags with none are absent)."""
        return dict(self._tag_counts.get(document, {}))

    # --- changes ------------------------------------------------------------------------------

    def apply(self, operation: Operation) -> None:
        """Carry out one idempotent operation."""
        if isinstance(operation, SetReviewed):
            indices = self._reviewed.setdefault(operation.document, [])
            position = bisect_left(indices, operation.sentence)
            present = position < len(indices) and indices[position] == operation.sentence
            if operation.reviewed and not present:
                insort(indices, operation.sentence)
            elif not operation.reviewed and present:
                del indices[position]
            return
        annotation_id = (operation.annotation.id if isinstance(operation, PutAnnotation)
                         else operation.annotation_id)
        old = self.by_id.pop(annotation_id, None)
        if old is not None:
            self._unindex(old)
        if isinstance(operation, PutAnnotation):
            new = operation.annotation
            self.by_id[new.id] = new
            index = self._spans.get(new.document)
            if index is None:
                index = self._spans[new.document] = SpanIndex()
            index.add((new.start, new.end, new.id))
            counts = self._tag_counts.setdefault(new.document, {})
            counts[new.tag] = counts.get(new.tag, 0) + 1
            self._sorted.pop(new.document, None)

    def _unindex(self, annotation: Annotation) -> None:
        self._spans[annotation.document].remove((annotation.start, annotation.end,
                                                 annotation.id))
        counts = self._tag_counts[annotation.document]
        counts[annotation.tag] -= 1
        if not counts[annotation.tag]:
            del counts[annotation.tag]
        self._sorted.pop(annotation.document, None)


def _run_edge(indices: list[int], position: int, *, backwards: bool) -> int:
    """The last (or first) position of the run of consecutive values through ``position``.

    In a strictly increasing list, ``indices[i] - i`` never decreases, so a run of
    consecutive values is where it stays equal, and its edge can be found by bisection.
    """
    offset = indices[position] - position
    if backwards:
        low, high = 0, position
        while low < high:
            middle = (low + high) // 2
            if indices[middle] - middle < offset:
                low = middle + 1
            else:
                high = middle
        return low
    low, high = position, len(indices) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if indices[middle] - middle > offset:
            high = middle - 1
        else:
            low = middle
    return low


def check_subtype(tag: TagDef, subtype: str | None) -> None:
    """Raise AnnotateError unless ``subtype`` is None or one of the tag's subtypes."""
    problem = tag.subtype_problem(subtype)
    if problem is not None:
        raise AnnotateError(problem, "Unknown subtype")


def check_attributes(tag: TagDef, attributes: dict[str, AttributeValue]) -> None:
    """Raise AnnotateError on the first attribute the tag does not define or would reject."""
    for name, value in attributes.items():
        problem = tag.attribute_problem(name, value)
        if problem is not None:
            title = "Unknown attribute" if tag.attribute(name) is None else "Invalid attribute"
            raise AnnotateError(problem, title)
