"""Split a text into sentence spans: a rule-based base segmenter plus rules for cited prose.

The base is sentencex (fast, maintained, and it reports code-point offsets). Its candidate
boundaries are then corrected for the genre this tool is for: bracketed citations, citation
abbreviations, initials, multi-sentence quotations, heading lines and hard line breaks. The
result is a list of half-open ``[start, end)`` offsets into the original string.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

import sentencex

from annotate.model import SegmentationSettings
from annotate.segmentation_rules import LineContext, keep_boundary

BaseSegmenter = Callable[[str], list[int]]
"""Candidate sentence starts (offsets > 0) within one line that contains no line break."""

LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Every line break ``str.splitlines`` knows; ``\\r\\n`` is a single break."""

_QUOTE_LIKE = re.compile(r"[\"“”„‟«»‘‚‛]|(?<!\w)['’]|['’](?!\w)")
"""Quotation marks, which are hidden from the base segmenter so it splits inside quotations."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_QUOTE_MASK = "\u00a6"
"""Neutral stand-in for a quotation mark; one code point, so offsets are unchanged."""

_TERMINAL = frozenset(".!?…‼⁇⁈⁉。！？")
_CLOSERS = frozenset("\"”’'»›)]")
_ENUMERATOR = re.compile(r"[^\w\s]*\s*(?:\d{1,3}|[A-Za-z]|[IVXLC]{1,6})[.)]{1,2}")
"""A list marker such as ``1.``, ``b)`` or ``IV.``, which is never a sentence on its own."""
_FALLBACK_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)")

HEADING_MAX_CHARS = 160
"""A line this short without sentence-final punctuation is a heading: one unit, never split."""


_SHADOW_PUNCTUATION = {"…": ".", "‼": "!", "⁇": "?", "⁈": "?", "⁉": "!", "。": ".", "！": "!",
                       "？": "?", "．": "."}


class _AsciiShadow(dict[int, str]):
    """Maps each non-ASCII character to one ASCII character of the same role."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code < 128:
            shadow = char
        elif char in _SHADOW_PUNCTUATION:
            shadow = _SHADOW_PUNCTUATION[char]
        elif char.isspace():
            shadow = " "
        elif char.islower() or unicodedata.category(char).startswith("M"):
            shadow = "a"
        elif char.isalpha():  # upper case, or a script without case (CJK) that can open one
            shadow = "A"
        elif char.isdigit():
            shadow = "0"
        elif unicodedata.category(char) == "Pd":
            shadow = "-"
        elif unicodedata.category(char).startswith("S") and char != _QUOTE_MASK:
            shadow = "#"  # a symbol or emoji: not a letter (an initial), not a stop
        else:
            shadow = "|"
        self[code] = shadow
        return shadow


_SHADOW = _AsciiShadow()


def ascii_shadow(line: str) -> str:
    """The line with every non-ASCII character replaced by one ASCII character of its kind.

    sentencex works on UTF-8 bytes and panics on some multi-byte characters next to a period
    (it slices inside a character); a same-length ASCII shadow keeps code-point offsets and
    the letter case, digits and punctuation the boundary rules look at.
    """
    return line if line.isascii() else line.translate(_SHADOW)


def sentencex_boundaries(line: str) -> list[int]:
    """Return sentencex's sentence starts in ``line`` as code-point offsets."""
    pieces = sentencex.get_sentence_boundaries("en", ascii_shadow(line))
    starts = [int(piece["start_index"]) for piece in pieces]
    ends = [int(piece["end_index"]) for piece in pieces]
    if starts and starts[0] == 0 and ends[-1] == len(line) and starts[1:] == ends[:-1]:
        return starts[1:]
    # The offsets did not tile the line; a plain punctuation split keeps the contract.
    return [m.end() for m in _FALLBACK_SPLIT.finditer(line)]  # pragma: no cover


def segment(text: str, settings: SegmentationSettings | None = None) -> list[tuple[int, int]]:
    """Half-open [start, end) code-point offsets (Python str indices) of each sentence, in order."""
    return segment_with_base(text, settings, sentencex_boundaries)


def segment_with_base(text: str, settings: SegmentationSettings | None,
                      base: BaseSegmenter) -> list[tuple[int, int]]:
    """Segment ``text`` with the genre rules on top of ``base``; lets benchmarks swap the base."""
    abbreviations = _abbreviations(tuple((settings or SegmentationSettings()).extra_abbreviations))
    spans: list[tuple[int, int]] = []
    line_start = 0
    for match in LINE_BREAK.finditer(text):
        _segment_line(text, line_start, match.start(), base, abbreviations, spans)
        line_start = match.end()
    _segment_line(text, line_start, len(text), base, abbreviations, spans)
    return spans


@lru_cache(maxsize=32)
def _abbreviations(extra: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word.strip().rstrip(".") for word in extra if word.strip().rstrip("."))


def _segment_line(text: str, start: int, end: int, base: BaseSegmenter,
                  extra_abbreviations: frozenset[str], spans: list[tuple[int, int]]) -> None:
    """Append the sentence spans of ``text[start:end]``, a line without line breaks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return
    line = text[start:end]
    if _is_heading(line):
        spans.append((start, end))
        return
    masked = _QUOTE_LIKE.sub(_QUOTE_MASK, line)
    if _SURROGATE.search(masked):
        masked = _SURROGATE.sub("\ufffd", masked)
    context = LineContext(line, extra_abbreviations)
    starts = [0]
    for candidate in sorted(set(base(masked))):
        boundary = _normalise(line, candidate)
        if boundary is None or boundary <= starts[-1]:
            continue
        sentence_end = _trim_end(line, boundary)
        if sentence_end <= starts[-1]:
            continue
        if keep_boundary(context, sentence_end, boundary):
            starts.append(boundary)
    _emit(line, start, _merge_without_words(line, starts), spans)


def _is_heading(line: str) -> bool:
    """Say whether ``line`` is short and lacks sentence-final punctuation at its end."""
    if len(line) > HEADING_MAX_CHARS:
        return False
    stripped = line.rstrip("".join(_CLOSERS) + " \t\u00a0")
    return not stripped or stripped[-1] not in _TERMINAL


def _normalise(line: str, candidate: int) -> int | None:
    """Move a candidate start past closing quotes/brackets glued to the sentence end and spaces."""
    if not 0 < candidate < len(line):
        return None
    position = _trim_end(line, candidate)
    while position < len(line) and line[position] in _CLOSERS:
        position += 1
    while position < len(line) and line[position].isspace():
        position += 1
    if position >= len(line):
        return None
    return position


def _trim_end(line: str, position: int) -> int:
    while position > 0 and line[position - 1].isspace():
        position -= 1
    return position


def _merge_without_words(line: str, starts: list[int]) -> list[int]:
    """Merge pieces that are no sentence: a stray ``].`` or a bare list marker such as ``1.``."""
    bounds = [*starts, len(line)]
    kept = [0]
    for index in range(1, len(starts)):
        if not _has_word_char(line, bounds[index], bounds[index + 1]):
            continue
        if bounds[index] - kept[-1] <= 16 and _ENUMERATOR.fullmatch(
                line[kept[-1]:bounds[index]].rstrip()):
            continue
        kept.append(starts[index])
    if len(kept) > 1 and not _has_word_char(line, 0, kept[1]):
        del kept[1]
    return kept


def _has_word_char(line: str, start: int, end: int) -> bool:
    return any(char.isalnum() for char in line[start:end])


def _emit(line: str, offset: int, starts: Sequence[int], spans: list[tuple[int, int]]) -> None:
    bounds = [*starts, len(line)]
    for index in range(len(starts)):
        start, end = bounds[index], _trim_end(line, bounds[index + 1])
        if start < end:
            spans.append((offset + start, offset + end))
