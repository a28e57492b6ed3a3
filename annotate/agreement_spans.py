"""Span-level precision, recall and F1 between two annotators, and the confusion matrix."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from annotate.agreement import Label, Score, Table, Tally, sort_labels, tally

Span: TypeAlias = tuple[Hashable, int, int]
"""``(key, start, end)``: spans only match within the same key (say, document and tag);
offsets are half-open, ``start <= offset < end``."""
Matching: TypeAlias = Literal["exact", "overlap"]


@dataclass(frozen=True, slots=True)
class SpanScores:
    """How well a candidate annotator's spans match a reference annotator's spans."""

    matching: Matching
    """"exact": same key, start and end; "overlap": same key and at least one shared offset."""
    reference_spans: int
    """Number of reference spans."""
    candidate_spans: int
    """Number of candidate spans."""
    matched_reference: int
    """Reference spans that have a matching candidate span (recall numerator)."""
    matched_candidate: int
    """Candidate spans that have a matching reference span (precision numerator)."""
    precision: Score
    recall: Score
    f1: Score


def span_scores(
    reference: Iterable[Span], candidate: Iterable[Span], matching: Matching = "exact"
) -> SpanScores:
    """Precision, recall and F1 of ``candidate`` spans against ``reference`` spans.

    Exact matching pairs identical spans one to one (duplicates count once per copy).
    Overlap matching is lenient: a span counts as found when it overlaps any span of the
    other side, so one long span may account for several short ones. F1 is the harmonic
    mean of precision and recall; with spans on one side only it is 0, with none at all it
    is undefined.
    """
    reference_list = list(reference)
    candidate_list = list(candidate)
    if matching == "exact":
        common = sum((Counter(reference_list) & Counter(candidate_list)).values())
        matched_reference = matched_candidate = common
    elif matching == "overlap":
        matched_reference = _count_overlapping(reference_list, candidate_list)
        matched_candidate = _count_overlapping(candidate_list, reference_list)
    else:
        raise ValueError(f"unknown matching {matching!r}")
    n_ref, n_cand = len(reference_list), len(candidate_list)
    precision = (
        Score(matched_candidate / n_cand) if n_cand else Score(None, "the candidate has no spans")
    )
    recall = (
        Score(matched_reference / n_ref) if n_ref else Score(None, "the reference has no spans")
    )
    if precision.value is not None and recall.value is not None:
        total = precision.value + recall.value
        f1 = Score(2 * precision.value * recall.value / total if total else 0.0)
    elif n_ref or n_cand:
        f1 = Score(0.0, "only one side has spans")
    else:
        f1 = Score(None, "neither side has spans")
    return SpanScores(
        matching, n_ref, n_cand, matched_reference, matched_candidate, precision, recall, f1
    )


def _count_overlapping(spans: Sequence[Span], others: Sequence[Span]) -> int:
    """How many of ``spans`` share at least one offset with some span in ``others``."""
    merged = _merged_by_key(others)
    found = 0
    for key, start, end in spans:
        runs = merged.get(key)
        if not runs:
            continue
        starts, ends = runs
        # the last run starting before `end` is the only candidate: runs are disjoint and sorted
        i = bisect.bisect_left(starts, end) - 1
        if i >= 0 and starts[i] < end and start < ends[i]:
            found += 1
    return found


def _merged_by_key(spans: Sequence[Span]) -> dict[Hashable, tuple[list[int], list[int]]]:
    """Union of spans per key as sorted disjoint runs; only overlapping spans are merged."""
    by_key: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for key, start, end in spans:
        by_key[key].append((start, end))
    merged: dict[Hashable, tuple[list[int], list[int]]] = {}
    for key, pairs in by_key.items():
        pairs.sort()
        starts: list[int] = []
        ends: list[int] = []
        for start, end in pairs:
            if starts and start < ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        merged[key] = (starts, ends)
    return merged


@dataclass(frozen=True, slots=True)
class ConfusionMatrix:
    """Counts of jointly rated units by (first coder's label, second coder's label)."""

    labels: tuple[Label, ...]
    """Row and column order."""
    counts: tuple[tuple[int, ...], ...]
    """``counts[i][j]``: units coder 1 labelled ``labels[i]`` and coder 2 ``labels[j]``."""

    @property
    def total(self) -> int:
        """Number of jointly rated units."""
        return sum(map(sum, self.counts))


def confusion_matrix(
    data: Table | Tally, *, labels: Sequence[Label] | None = None
) -> ConfusionMatrix:
    """Confusion matrix of a two-coder table over the units both coders rated.

    ``labels`` fixes the order (and may add unused labels); by default the occurring labels
    in natural order.
    """
    t = tally(data)
    if t.n_coders != 2:
        raise ValueError(f"a confusion matrix needs exactly two coders, got {t.n_coders}")
    joint: Counter[tuple[Label, Label]] = Counter()
    for (a, b), units in t.patterns.items():
        if a is not None and b is not None:
            joint[a, b] += units
    occurring = {label for pair in joint for label in pair}
    order = sort_labels(occurring) if labels is None else list(labels)
    unknown = occurring - set(order)
    if unknown:
        raise ValueError(f"labels missing from the given order: {sort_labels(unknown)}")
    counts = tuple(tuple(joint[a, b] for b in order) for a in order)
    return ConfusionMatrix(tuple(order), counts)
