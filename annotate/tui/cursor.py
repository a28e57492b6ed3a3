"""The word cursor and selection inside the current sentence (pure; no textual)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotate.tui.words import (
    clause_ends,
    next_clause_word,
    previous_clause_word,
    trim_span,
    words,
)

WINDOWED_SENTENCE = 20_000
"""In a sentence longer than this many characters the cursor knows only the words of a
window around it (finding every word of a 1 MB line takes ~0.1 s); moving past either end
of the window moves the window."""

CURSOR_WINDOW = 4_000
"""Characters on each side of the cursor whose words a windowed cursor knows."""

_SPACE = re.compile(r"\s")


@dataclass
class WordCursor:
    """A cursor on one word of a sentence and an optional selection anchored at another."""

    words: list[tuple[int, int]] = field(default_factory=list)
    """Document spans of the sentence's words."""
    clause_ends: list[bool] = field(default_factory=list)
    """Whether a clause ends with each word."""
    index: int = 0
    """The word under the cursor."""
    anchor: int | None = None
    """The word where the selection started, if there is a selection."""
    more_before: bool = False
    """The sentence has words before the window this cursor knows."""
    more_after: bool = False
    """The sentence has words after the window this cursor knows."""

    @classmethod
    def for_sentence(cls, text: str, start: int, end: int,
                     around: int | None = None) -> WordCursor:
        """A cursor on the first word of the sentence [start, end) of ``text``, or on the
        word at (or first after) document offset ``around``."""
        low, high = start, end
        if end - start > WINDOWED_SENTENCE:
            centre = start if around is None else min(max(around, start), end)
            high = min(end, max(centre, start + CURSOR_WINDOW) + CURSOR_WINDOW)
            low = max(start, high - 2 * CURSOR_WINDOW)
            if low > start:  # start and stop at a space, so no word is cut in two
                found = _SPACE.search(text, low, high)
                low = found.start() if found else low
            cut = text.rfind(" ", low, high)
            if high < end and cut > low:
                high = cut
        sentence = text[low:high]
        spans = words(sentence, low)
        cursor = cls(spans, clause_ends(sentence, spans, low), more_before=low > start,
                     more_after=high < end)
        if around is not None:
            cursor.move_to_offset(around)
        return cursor

    def at_window_edge(self, delta: int) -> bool:
        """Whether moving by ``delta`` words leaves the window of a windowed cursor."""
        if delta > 0:
            return self.more_after and self.index >= len(self.words) - 1
        return self.more_before and self.index <= 0

    def move(self, delta: int) -> None:
        """Move the cursor by ``delta`` words and drop the selection."""
        self.anchor = None
        self.index = self._clamp(self.index + delta)

    def move_to_offset(self, offset: int) -> None:
        """Put the cursor on the word holding (or first after) document ``offset``."""
        self.anchor = None
        self.index = next((i for i, (_, end) in enumerate(self.words) if end > offset),
                          max(len(self.words) - 1, 0))

    def extend(self, delta: int) -> None:
        """Grow the selection by a word; the first press selects the word under the cursor."""
        if self.anchor is None:
            self.anchor = self.index
        else:
            self.index = self._clamp(self.index + delta)

    def extend_clause(self, forward: bool) -> None:
        """Grow the selection to the end (or start) of the next (or previous) clause."""
        if not self.words:
            return
        if self.anchor is None:
            self.anchor = self.index
            if forward and self.clause_ends[self.index]:
                return
            if not forward and (self.index == 0 or self.clause_ends[self.index - 1]):
                return
        anchor = self.anchor
        if forward and self.index < anchor:
            # the selection reaches left of its anchor: shrink it by a clause
            clause_end = (self.index if self.clause_ends[self.index]
                          else next_clause_word(self.clause_ends, self.index))
            self.index = min(clause_end + 1, anchor)
        elif forward:
            self.index = next_clause_word(self.clause_ends, self.index)
        elif self.index > anchor:
            # the selection reaches right of its anchor: shrink it back to the clause before
            ends = self.clause_ends
            self.index = max(next((i for i in range(self.index - 1, -1, -1) if ends[i]),
                                  anchor), anchor)
        else:
            self.index = previous_clause_word(self.clause_ends, self.index)

    def clear(self) -> bool:
        """Drop the selection; say whether there was one."""
        had = self.anchor is not None
        self.anchor = None
        return had

    @property
    def cursor_span(self) -> tuple[int, int] | None:
        """Document span of the word under the cursor."""
        return self.words[self.index] if self.words else None

    def selection(self, text: str) -> tuple[int, int] | None:
        """Document span of the selection, trimmed of edge punctuation; None if none."""
        if self.anchor is None or not self.words:
            return None
        low, high = sorted((self.anchor, self.index))
        return trim_span(text, self.words[low][0], self.words[high][1])

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.words) - 1))
