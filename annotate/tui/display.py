"""Map document text to what the screen shows, keeping character offsets aligned.

Control characters become visible escapes (``\\e``, ``\\x07``) and tabs become spaces, so the
displayed string is longer than the source; ``OffsetMap`` translates source offsets (where
annotations and sentences live) into display offsets (where styles are applied).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from annotate.textsafe import INVISIBLE_OR_TAB, visible

TAB = "    "
"""How a tab is shown: four spaces."""


def shown_as(char: str, following: str = "") -> str:
    """What one special character looks like on screen."""
    if char == "\t":
        return TAB
    if char == "\r" and following == "\n":
        return ""  # the line break of a CRLF file; the "\n" after it breaks the line
    return visible(char)


@dataclass
class OffsetMap:
    """Source-to-display offset translation, built piece by piece in text order."""

    source_starts: list[int] = field(default_factory=list)
    display_starts: list[int] = field(default_factory=list)
    lengths: list[tuple[int, int]] = field(default_factory=list)
    """(source length, display length) of each piece."""
    parts: list[str] = field(default_factory=list)
    display_length: int = 0

    def add(self, source_start: int, source: str) -> None:
        """Append the display form of ``source``, which starts at ``source_start``."""
        position = 0
        for match in INVISIBLE_OR_TAB.finditer(source):
            if match.start() > position:
                self._piece(source_start + position, source[position:match.start()])
            following = source[match.end():match.end() + 1]
            self._piece(source_start + match.start(), shown_as(match.group(), following),
                        source_length=1)
            position = match.end()
        if position < len(source):
            self._piece(source_start + position, source[position:])

    def add_marker(self, marker: str) -> None:
        """Append display-only text (e.g. a review mark) that covers no source characters."""
        self._piece(self._source_end(), marker, source_length=0)

    def _source_end(self) -> int:
        if not self.source_starts:
            return 0
        return self.source_starts[-1] + self.lengths[-1][0]

    def _piece(self, source_start: int, shown: str, source_length: int | None = None) -> None:
        self.source_starts.append(source_start)
        self.display_starts.append(self.display_length)
        length = len(shown) if source_length is None else source_length
        self.lengths.append((length, len(shown)))
        self.parts.append(shown)
        self.display_length += len(shown)

    @property
    def text(self) -> str:
        """The display string."""
        return "".join(self.parts)

    def start(self, offset: int) -> int:
        """Display offset where the character at source ``offset`` begins."""
        index = bisect_right(self.source_starts, offset) - 1
        while index > 0 and self.lengths[index][0] == 0:
            index -= 1  # a marker starts where the text after it starts; skip it
        if index < 0:
            return 0
        source_length, display_length = self.lengths[index]
        inside = offset - self.source_starts[index]
        if inside >= source_length:
            return self.display_starts[index] + display_length
        if source_length == display_length:
            return self.display_starts[index] + inside
        return self.display_starts[index]

    def end(self, offset: int) -> int:
        """Display offset just past the character before source ``offset``."""
        if offset <= 0 or not self.source_starts:
            return 0
        index = bisect_right(self.source_starts, offset - 1) - 1
        while index > 0 and self.lengths[index][0] == 0:
            index -= 1
        if index < 0:
            return 0
        source_length, display_length = self.lengths[index]
        inside = offset - self.source_starts[index]
        if inside >= source_length:
            return self.display_starts[index] + display_length
        if source_length == display_length:
            return self.display_starts[index] + inside
        return self.display_starts[index] + display_length


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text`` to ``width`` cells: (start, end) ranges of each screen line.

    Line breaks in the text end a line (the break itself is in no range); a word wider than
    the line is cut by cells, so wide characters (CJK, emoji) never straddle the edge.
    """
    from rich.cells import cell_len

    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    position = 0
    for hard_line in text.split("\n"):
        base = position
        position += len(hard_line) + 1
        if not hard_line:
            lines.append((base, base))
            continue
        line_start = base
        used = 0
        measure = len if hard_line.isascii() else cell_len
        for match in _TOKEN.finditer(hard_line):
            word, spaces = match.group(1), match.group(2)
            word_cells = measure(word)
            start = base + match.start()
            if used and used + word_cells > width:
                lines.append((line_start, start))
                line_start, used = start, 0
            if word_cells > width:
                cut = start
                for offset, char in enumerate(word):
                    cells = measure(char)
                    if used + cells > width:
                        lines.append((line_start, start + offset))
                        line_start, used = start + offset, 0
                    used += cells
                    cut = start + offset + 1
                del cut
            else:
                used += word_cells
            used += len(spaces)
        lines.append((line_start, base + len(hard_line)))
    return lines


_TOKEN = re.compile(r"(\S*)(\s*)")
