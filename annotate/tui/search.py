"""Find text in a document forwards or backwards, wrapping at the ends (pure; no textual)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BACKWARD_CHUNK = 65536
"""Characters searched at a time when looking backwards."""


@dataclass
class Search:
    """The current query and the match last shown."""

    query: str = ""
    match: tuple[int, int] | None = None
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def set_query(self, query: str) -> None:
        """Search for ``query``: literally, ignoring case unless it has a capital letter."""
        self.query = query
        self.match = None
        flags = 0 if any(c.isupper() for c in query) else re.IGNORECASE
        self._pattern = re.compile(re.escape(query), flags) if query else None

    def find(self, text: str, start: int, end: int, *,
             forward: bool) -> tuple[int, bool] | None:
        """Find the next match after the current one (or after the sentence [start, end)).

        Returns the match's start offset and whether the search wrapped around the end.
        """
        pattern = self._pattern
        if pattern is None:
            return None
        if forward:
            current = self.match if self._inside(start, end) else None
            position = current[0] + 1 if current else start
            found, wrapped = pattern.search(text, position), False
            if found is None:
                found, wrapped = pattern.search(text, 0), True
        else:
            current = self.match if self._inside(start, end) else None
            position = current[0] if current else start
            found, wrapped = _search_backward(pattern, text, position), False
            if found is None:
                found, wrapped = _search_backward(pattern, text, len(text)), True
        if found is None:
            self.match = None
            return None
        self.match = (found.start(), found.end())
        return found.start(), wrapped

    def _inside(self, start: int, end: int) -> bool:
        return self.match is not None and start <= self.match[0] < end


def _search_backward(pattern: re.Pattern[str], text: str,
                     before: int) -> re.Match[str] | None:
    """The last match starting before ``before``, searching back a chunk at a time."""
    high = before
    while high > 0:
        low = max(0, high - BACKWARD_CHUNK)
        last = None
        for match in pattern.finditer(text, low, min(len(text), high + 4096)):
            if match.start() >= before or match.start() >= high:
                break
            last = match
        if last is not None:
            return last
        high = low
    return None
