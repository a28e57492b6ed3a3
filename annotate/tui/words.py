"""Words, clauses and selection trimming inside one sentence (pure; no textual)."""

from __future__ import annotations

import re

_WORD = re.compile(r"\S+")

_EDGE_PUNCTUATION = ".,;:!?…-–—*/\\·"
"""Trimmed from both edges of a selection: they belong to the sentence, not the claim."""

_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‘": "’", "„": "“", "‹": "›"}
"""Opening bracket or quote to its closing partner."""
_SYMMETRIC_QUOTES = "\"'`"
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}

_CLAUSE_END = re.compile(r"[,;:—–]$|^[-–—]+$")
"""A word ending a clause: one ending in , ; : or a dash, or a lone dash."""


def words(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """The whitespace-separated words of ``text`` as (start, end) spans shifted by ``offset``."""
    return [(m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


def clause_ends(text: str, spans: list[tuple[int, int]], offset: int = 0) -> list[bool]:
    """For each word span, whether a clause ends with it (the last word always ends one)."""
    flags = [bool(_CLAUSE_END.search(text[s - offset:e - offset])) for s, e in spans]
    if flags:
        flags[-1] = True
    return flags


def next_clause_word(ends: list[bool], index: int) -> int:
    """The index of the last word of the clause after the one ending at or after ``index``."""
    last = len(ends) - 1
    position = index
    if position < last and ends[position]:
        position += 1
    while position < last and not ends[position]:
        position += 1
    return position


def previous_clause_word(ends: list[bool], index: int) -> int:
    """The index of the first word of the clause before (or holding) ``index``."""
    position = index
    if position > 0 and ends[position - 1]:
        position -= 1
    while position > 0 and not ends[position - 1]:
        position -= 1
    return position


def trim_span(text: str, start: int, end: int, offset: int = 0) -> tuple[int, int]:
    """Shrink [start, end) past edge punctuation and unpaired brackets or quotes.

    ``text`` starts at document offset ``offset``. A pair that encloses the whole selection
    ("«...»", "(...)") stays; a comma, full stop or lone closing bracket at an edge goes. The
    result is never empty: if nothing but punctuation was selected, the span is unchanged.
    """
    s, e = start - offset, end - offset
    changed = True
    while changed and s < e:
        changed = False
        while s < e and (text[s] in _EDGE_PUNCTUATION or text[s].isspace()):
            s, changed = s + 1, True
        while s < e and (text[e - 1] in _EDGE_PUNCTUATION or text[e - 1].isspace()):
            e, changed = e - 1, True
        if s >= e:
            break
        first = text[s]
        if first in _PAIRS:
            if text.count(_PAIRS[first], s, e) < text.count(first, s, e):
                s, changed = s + 1, True
        elif first in _SYMMETRIC_QUOTES:
            if text.count(first, s, e) % 2:
                s, changed = s + 1, True
        elif first in _CLOSERS:
            s, changed = s + 1, True
        if s >= e:
            break
        last = text[e - 1]
        if last in _CLOSERS:
            if text.count(_CLOSERS[last], s, e) < text.count(last, s, e):
                e, changed = e - 1, True
        elif last in _SYMMETRIC_QUOTES:
            if text.count(last, s, e) % 2:
                e, changed = e - 1, True
        elif last in _PAIRS:
            e, changed = e - 1, True
    if s >= e:
        return start, end
    return s + offset, e + offset
