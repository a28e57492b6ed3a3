"""Re-anchor annotations and review marks when a document's text has changed.

Each annotation carries its quote with up to 32 code points of prefix and suffix. On a new
text, the annotation stays where it is if its position still holds the quote in the best
context; otherwise the occurrence of the quote whose context matches best, nearest the old
position, wins (first exactly, then allowing different whitespace, so re-wrapped lines and
CRLF line endings still match); otherwise it is kept as orphaned. Nothing is dropped.

Sentences are fixed per project, so the new text's sentences are aligned with the old ones by
their text (whitespace-insensitive, in order, then nearest position) to carry review marks
over; a reviewed sentence without a counterpart becomes unreviewed and is reported.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from annotate.model import Annotation

CONTEXT_LENGTH = 32
"""Code points of text kept before and after a span as its prefix and suffix."""

MAX_CANDIDATES = 20_000
"""Occurrences of a quote examined at most; bounds the work for a very common short quote."""

LONG_QUOTE = 20
"""A quote this long (non-space code points) is evidence enough to move without context."""

_WHITESPACE = re.compile(r"\s+")


class Outcome(enum.StrEnum):
    """What re-anchoring did to one annotation."""

    KEPT = "kept"
    MOVED = "moved"
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class Anchored:
    """One annotation after re-anchoring, with its old span and what happened."""

    annotation: Annotation
    """The annotation as it should be stored for the new text."""
    outcome: Outcome
    old_start: int
    old_end: int
    detail: str = ""
    """Why it moved or was orphaned, for the report."""


def squash(text: str) -> str:
    """Collapse every run of whitespace (including CR LF) to one space."""
    return _WHITESPACE.sub(" ", text)


def context_around(text: str, start: int, end: int,
                   length: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The prefix and suffix recorded for span [start, end) of ``text``."""
    return text[max(0, start - length):start], text[end:end + length]


def _common_prefix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _common_suffix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[-1 - index] == b[-1 - index]:
        index += 1
    return index


@dataclass(frozen=True)
class _Context:
    """The stored prefix and suffix, whitespace-squashed, for scoring candidate positions."""

    prefix: str
    suffix: str

    @classmethod
    def of(cls, prefix: str, suffix: str) -> _Context:
        return cls(squash(prefix), squash(suffix))

    @property
    def available(self) -> int:
        return len(self.prefix) + len(self.suffix)

    def score(self, text: str, start: int, end: int) -> int:
        """How many code points of context agree around [start, end), whitespace aside."""
        before = text[max(0, start - 2 * len(self.prefix) - 8):start]
        after = text[end:end + 2 * len(self.suffix) + 8]
        score = 0
        if self.prefix:
            score += _common_suffix_length(squash(before), self.prefix)
        if self.suffix:
            score += _common_prefix_length(squash(after), self.suffix)
        return score


def _exact_candidates(text: str, quote: str, near: int) -> Iterable[int]:
    """Starts of ``quote`` in ``text``, nearest ``near`` first, at most MAX_CANDIDATES."""
    near = max(0, min(near, len(text)))
    forward = text.find(quote, near)
    backward = text.rfind(quote, 0, near + len(quote) - 1) if near > 0 else -1
    produced = 0
    while (forward != -1 or backward != -1) and produced < MAX_CANDIDATES:
        take_forward = backward == -1 or (forward != -1 and forward - near <= near - backward)
        if take_forward:
            yield forward
            forward = text.find(quote, forward + 1)
        else:
            yield backward
            backward = text.rfind(quote, 0, backward + len(quote) - 1) if backward > 0 else -1
        produced += 1


def _flexible_pattern(quote: str) -> re.Pattern[str] | None:
    """A pattern matching ``quote`` with any whitespace wherever it has whitespace."""
    if not quote.strip():
        return None
    pieces = _WHITESPACE.split(quote)
    return re.compile(r"\s+".join(re.escape(piece) for piece in pieces))


def _best(candidates: Iterable[tuple[int, int]], text: str, context: _Context,
          near: int) -> tuple[int, int, int] | None:
    """The candidate span with the most context, nearest ``near`` on a tie, and its score."""
    best: tuple[int, int, int, int] | None = None  # (-score, distance, start, end)
    for start, end in candidates:
        score = context.score(text, start, end)
        key = (-score, abs(start - near), start, end)
        if best is None or key < best:
            best = key
        if best[0] == -context.available and best[1] < abs(start - near):
            break  # candidates come nearest first: nothing farther can beat a full match
    if best is None:
        return None
    return best[2], best[3], -best[0]


def _enough_evidence(quote: str, score: int, context: _Context) -> bool:
    """Whether a match away from the old position is trustworthy enough to move to."""
    if context.available == 0 or len(squash(quote).strip()) >= LONG_QUOTE:
        return True
    return score * 4 >= context.available


def find_quote(text: str, quote: str, prefix: str, suffix: str,
               near: int) -> tuple[int, int, bool] | None:
    """Where ``quote`` belongs in ``text``: (start, end, exact), or None if it is not there.

    Exact occurrences are preferred; failing those, occurrences that differ only in
    whitespace. Among them the one whose surrounding text matches ``prefix`` and ``suffix``
    best wins, then the one nearest ``near``.
    """
    context = _Context.of(prefix, suffix)
    if quote:
        spans = ((start, start + len(quote)) for start in _exact_candidates(text, quote, near))
        found = _best(spans, text, context, near)
        if found is not None and (found[0] == near or _enough_evidence(quote, found[2], context)):
            return found[0], found[1], True
    pattern = _flexible_pattern(quote)
    if pattern is None:
        return None
    matches = pattern.finditer(text)
    spans = ((m.start(), m.end()) for _, m in zip(range(MAX_CANDIDATES), matches, strict=False))
    found = _best(sorted(spans, key=lambda span: abs(span[0] - near)), text, context, near)
    if found is not None and (found[0] == near or _enough_evidence(quote, found[2], context)):
        return found[0], found[1], False
    return None


def reanchor_annotation(annotation: Annotation, text: str) -> Anchored:
    """Place one annotation on the new ``text``: kept, moved, or kept as orphaned."""
    old_start, old_end = annotation.start, annotation.end
    found = find_quote(text, annotation.quote, annotation.prefix, annotation.suffix, old_start)
    if found is None:
        orphan = annotation.model_copy(update={"orphaned": True})
        detail = "its text is no longer in the document"
        return Anchored(orphan, Outcome.ORPHANED, old_start, old_end, detail)
    start, end, exact = found
    prefix, suffix = context_around(text, start, end)
    updated = annotation.model_copy(update={
        "start": start, "end": end, "quote": text[start:end], "prefix": prefix,
        "suffix": suffix, "orphaned": False})
    if start == old_start and end == old_end and exact and not annotation.orphaned:
        return Anchored(updated, Outcome.KEPT, old_start, old_end)
    detail = "found again" if exact else "found again with different spacing or line endings"
    if annotation.orphaned:
        detail = "orphaned before; " + detail
    return Anchored(updated, Outcome.MOVED, old_start, old_end, detail)


def reanchor_annotations(annotations: Iterable[Annotation], document_id: str,
                         text: str) -> list[Anchored]:
    """Re-anchor every annotation of ``document_id`` on its new text, in their given order."""
    return [reanchor_annotation(a, text) for a in annotations if a.document == document_id]


# --- sentences and review marks --------------------------------------------------------------

def sentence_texts(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The text of each sentence span."""
    return [text[start:end] for start, end in spans]


def known_sentence_texts(spans: Sequence[tuple[int, int]],
                         annotations: Iterable[Annotation]) -> list[str | None]:
    """The old sentences' texts as far as annotations' quotes and contexts still show them.

    Without the old text, a sentence is known only where quote, prefix and suffix of some
    annotation that lined up with the old text cover it entirely.
    """
    pieces = sorted((a.start - len(a.prefix), a.prefix + a.quote + a.suffix)
                    for a in annotations if not a.orphaned and a.start >= len(a.prefix))
    merged: list[tuple[int, str]] = []
    for start, piece in pieces:
        if merged and start <= merged[-1][0] + len(merged[-1][1]):
            last_start, last = merged[-1]
            overlap = last_start + len(last) - start
            merged[-1] = (last_start, last + piece[overlap:])
        else:
            merged.append((start, piece))
    starts = [start for start, _ in merged]
    known: list[str | None] = []
    for start, end in spans:
        index = bisect_right(starts, start) - 1
        if index >= 0:
            piece_start, piece = merged[index]
            if end <= piece_start + len(piece):
                known.append(piece[start - piece_start:end - piece_start])
                continue
        known.append(None)
    return known


def _sentence_key(text: str) -> str:
    return squash(text).strip()


def map_sentences(old_sentences: Sequence[str | None], new_sentences: Sequence[str],
                  old_lengths: Sequence[int] | None = None) -> dict[int, int]:
    """Map old sentence indices to new ones by text: in order first, then nearest position.

    Texts are compared whitespace-insensitively. An old sentence whose text is unknown (None)
    is mapped only by position between two mapped neighbours, when the same number of
    sentences lies between them in both versions and its length (``old_lengths``) is about
    the same.
    """
    old_keys = [_sentence_key(s) if s is not None else f"\x00unknown {i}"
                for i, s in enumerate(old_sentences)]
    new_keys = [_sentence_key(s) for s in new_sentences]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            mapping[block.a + offset] = block.b + offset
    used = set(mapping.values())
    unused_by_key: dict[str, list[int]] = {}
    for index, key in enumerate(new_keys):
        if index not in used:
            unused_by_key.setdefault(key, []).append(index)
    old_total, new_total = max(len(old_keys), 1), max(len(new_keys), 1)
    for index, key in enumerate(old_keys):
        if index in mapping or not unused_by_key.get(key):
            continue
        expected = index * new_total / old_total
        candidates = unused_by_key[key]
        nearest = min(candidates, key=lambda j: (abs(j - expected), j))
        candidates.remove(nearest)
        mapping[index] = nearest
    if old_lengths is not None:
        _interpolate_unknown(old_sentences, new_sentences, old_lengths, mapping)
    return mapping


def _similar_length(old: int, new: int) -> bool:
    return abs(old - new) <= 2 + old // 10


def _interpolate_unknown(old_sentences: Sequence[str | None], new_sentences: Sequence[str],
                         old_lengths: Sequence[int], mapping: dict[int, int]) -> None:
    """Map runs of unknown old sentences that sit between mapped ones, position by position."""
    anchors = [(-1, -1), *sorted(mapping.items()), (len(old_sentences), len(new_sentences))]
    used = set(mapping.values())
    for (old_before, new_before), (old_after, new_after) in pairwise(anchors):
        if old_after - old_before != new_after - new_before or new_after < new_before:
            continue
        for old_index in range(old_before + 1, old_after):
            new_index = new_before + (old_index - old_before)
            if (old_sentences[old_index] is None and new_index not in used
                    and _similar_length(old_lengths[old_index],
                                        len(new_sentences[new_index]))):
                mapping[old_index] = new_index
                used.add(new_index)


@dataclass
class ReviewedMapping:
    """Review marks carried from old sentence indices to new ones."""

    reviewed: list[int] = field(default_factory=list)
    """The new reviewed indices, sorted."""
    moved: dict[int, int] = field(default_factory=dict)
    """Old index -> new index, for marks whose index changed."""
    lost: list[int] = field(default_factory=list)
    """Old indices whose sentence has no counterpart; they are no longer marked reviewed."""


def map_reviewed(reviewed: Iterable[int], mapping: dict[int, int]) -> ReviewedMapping:
    """Carry review marks over with a sentence mapping from ``map_sentences``."""
    result = ReviewedMapping()
    new_indices: set[int] = set()
    for old in sorted(set(reviewed)):
        new = mapping.get(old)
        if new is None:
            result.lost.append(old)
            continue
        new_indices.add(new)
        if new != old:
            result.moved[old] = new
    result.reviewed = sorted(new_indices)
    return result
