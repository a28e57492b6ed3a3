"""Make text from files safe to print: control characters become visible escapes."""

from __future__ import annotations

import re

_INVISIBLE_RANGES = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff")
"""Controls, direction overrides and the BOM: characters that must never reach a terminal."""

_INVISIBLE = re.compile(f"[{_INVISIBLE_RANGES}]")
_INVISIBLE_OR_BREAK = re.compile(f"[{_INVISIBLE_RANGES}\t\n]")

INVISIBLE_OR_TAB = re.compile(f"[{_INVISIBLE_RANGES}\t]")
"""What a view of multi-line text shows as something else: the characters ``visible``
escapes, and tabs; line breaks stay."""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100
                                else f"\\u{ord(char):04x}")


def visible(text: str, *, keep_breaks: bool = False) -> str:
    """Replace control and direction-override characters with escapes such as ``\\e``.

    Terminal escape sequences in a document or note must never reach the terminal: they could
    recolour, move the cursor or rewrite the screen. Tabs and line breaks are escaped too
    unless ``keep_breaks`` is set, so one record stays on one line.
    """
    if text.isprintable():  # nothing to escape is printable, so most text returns at once
        return text
    pattern = _INVISIBLE if keep_breaks else _INVISIBLE_OR_BREAK
    return pattern.sub(_escape, text)
