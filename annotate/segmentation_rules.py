"""Genre rules that veto a base segmenter's boundary inside one line of cited prose."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

CITATION_ABBREVIATIONS = frozenset({
    "p", "pp", "vol", "vols", "ed", "eds", "Soch", "Ibid", "ibid", "Cm", "Cf", "cf",
    "op", "cit", "ch", "chap", "art", "col", "fig", "sec", "pt", "ff", "trans", "comp",
    "Vol", "Vols", "Ed", "Eds", "Op", "Ch", "Chap", "Art", "Col", "Fig", "Sec", "Pt", "Pp",
})
"""Words that end in a period inside references and never end a sentence (case-sensitive)."""

_LOOKBEHIND = 40
"""How far back a rule reads; bounded so that a 1 MB line stays linear."""
_LOOKAHEAD = 32

_WORD_BEFORE_PERIOD = re.compile(r"(\w[\w.]*)\.\Z")
_WORD_BEFORE_INITIAL_I = re.compile(r"(\S+)\s+I\.\Z")
_STARTS_WITH_INITIAL = re.compile(r"[^\W\d_]\.\s")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_CITATION_TAIL = re.compile(r"[.,;:!?)\]\"”’'»]*(?:\s|\Z)")


@dataclass
class LineContext:
    """One line under segmentation, with its bracketed regions precomputed."""

    line: str
    """The line's text, trimmed, without line breaks."""
    extra_abbreviations: frozenset[str]
    """Project abbreviations that never end a sentence."""
    bracket_opens: list[int] = field(default_factory=list)
    """Offsets of each top-level ``[``."""
    bracket_closes: list[int] = field(default_factory=list)
    """Offset of the matching ``]``, or the line's length when the bracket is never closed."""
    lookbehind: int = _LOOKBEHIND
    """Characters before a sentence end that the rules read; enough for the longest abbreviation."""

    def __post_init__(self) -> None:
        longest = max((len(word) for word in self.extra_abbreviations), default=0)
        self.lookbehind = max(_LOOKBEHIND, longest + 2)
        depth = 0
        for match in re.finditer(r"[\[\]]", self.line):
            if match.group() == "[":
                if depth == 0:
                    self.bracket_opens.append(match.start())
                depth += 1
            elif depth > 0:
                depth -= 1
                if depth == 0:
                    self.bracket_closes.append(match.start())
        if depth > 0:
            self.bracket_closes.append(len(self.line))

    def bracket_at(self, position: int) -> tuple[int, int] | None:
        """Return the (open, close) bracket region containing or opening at ``position``."""
        index = bisect_right(self.bracket_opens, position) - 1
        if index >= 0 and position <= self.bracket_closes[index]:
            return self.bracket_opens[index], self.bracket_closes[index]
        return None


def keep_boundary(context: LineContext, sentence_end: int, next_start: int) -> bool:
    """Say if a sentence may end at ``sentence_end``, the next one starting at ``next_start``."""
    line = context.line
    region = context.bracket_at(next_start)
    if region is not None and region[0] < next_start:
        return False
    if region is not None and _is_trailing_citation(line, region[1]):
        return False
    tail = line[max(0, sentence_end - context.lookbehind):sentence_end]
    if tail.endswith(".") and _is_abbreviation(context, tail, line[next_start:]):
        return False
    return not _starts_lowercase(line, next_start)


def _is_trailing_citation(line: str, close: int) -> bool:
    """Say whether a bracket closing at ``close`` is followed only by punctuation, then a space."""
    return close >= len(line) or _CITATION_TAIL.match(line, close + 1) is not None


def _is_abbreviation(context: LineContext, tail: str, rest: str) -> bool:
    """Say whether the period ending ``tail`` belongs to an abbreviation or an initial."""
    for word in context.extra_abbreviations:
        if tail.endswith(word + ".") and not _is_word_char_before(tail, len(tail) - len(word) - 1):
            return True
    match = _WORD_BEFORE_PERIOD.search(tail)
    if match is None:
        return False
    word = match.group(1)
    if word in CITATION_ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():
        return word != "I" or _is_initial_i(tail, rest)
    return False


def _is_initial_i(tail: str, rest: str) -> bool:
    """Tell the initial in ``V. I. Lenin`` or ``Albert I. Jones`` from the pronoun in ``and I.``."""
    if _STARTS_WITH_INITIAL.match(rest[:_LOOKAHEAD]):
        return True
    match = _WORD_BEFORE_INITIAL_I.search(tail)
    if match is None:
        return False
    previous = match.group(1)
    if len(previous) == 2 and previous[0].isupper() and previous[1] == ".":
        return True
    return previous[0].isupper() and previous[-1].isalpha()


def _is_word_char_before(text: str, index: int) -> bool:
    return index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_")


def _starts_lowercase(line: str, start: int) -> bool:
    """Say whether the next sentence's first letter or digit is a lowercase letter."""
    match = _LETTER_OR_DIGIT.search(line, start, start + _LOOKAHEAD)
    return match is not None and match.group().islower()
