"""Tests for annotate.textsafe: nothing invisible or terminal-controlling is printed raw."""

from __future__ import annotations

import pytest

from annotate.textsafe import _INVISIBLE_OR_BREAK, visible


class TestVisible:
    @pytest.mark.parametrize("raw, shown", [
        ("red \x1b[31mtext", "red \\e[31mtext"),
        ("bell\x07", "bell\\x07"),
        ("a\tb\nc", "a\\tb\\nc"),
        ("rtl \u202eevil", "rtl \\u202eevil"),
        ("plain [bold]markup[/bold]", "plain [bold]markup[/bold]"),
        ("Ünïcödé 中文 👩\u200d👩\u200d👧", "Ünïcödé 中文 👩\u200d👩\u200d👧"),
    ])
    def test_escapes(self, raw: str, shown: str) -> None:
        """Controls, breaks and direction overrides are escaped; markup and emoji are kept."""
        assert visible(raw) == shown

    def test_line_breaks_can_be_kept(self) -> None:
        """keep_breaks leaves tabs and newlines for multi-line messages."""
        assert visible("a\n\x1bb", keep_breaks=True) == "a\n\\eb"

    def test_printable_text_never_hides_an_escapable_character(self) -> None:
        """The fast path for printable text is safe: every escaped character is unprintable."""
        escaped = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
                   and _INVISIBLE_OR_BREAK.match(chr(c))]
        assert escaped and not any(c.isprintable() for c in escaped)
