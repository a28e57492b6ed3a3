"""The sentence view: verbatim text, visible control characters, sizes, resizing, speed."""

from __future__ import annotations

from pathlib import Path

from annotate.session import EditSession
from annotate.tui.app import AnnotateApp
from annotate.tui.display import OffsetMap, wrap
from annotate.tui.screens.main import MainScreen
from annotate.tui.widgets.sentence_view import SentenceView
from tests.conftest import make_project
from tests.tui.conftest import AppFactory


def view_lines(app: AnnotateApp) -> list[str]:
    """The text of each line the view draws now."""
    view = app.screen.query_one("#view", SentenceView)
    return [view.render_line(y).text for y in range(view.size.height)]


class TestVerbatim:
    async def test_markup_like_text_is_shown_as_written(self, make_app: AppFactory) -> None:
        """[/bold], [b], [link=...] and [@click=...] appear literally in the view."""
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("j", "j", "j")
            shown = " ".join(view_lines(app))
            for literal in ("[/bold]", "[b]bold[/b]", "[link=http://x]literal[/link]",
                            "[@click=app.quit]quit[/]"):
                assert literal in shown

    async def test_control_characters_are_visible_escapes(self, make_app: AppFactory) -> None:
        """ESC and BEL are drawn as \\e and \\x07, never sent to the terminal."""
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*["j"] * 4)
            shown = " ".join(view_lines(app))
            assert "\\e[31mred\\e[0m" in shown
            assert "\\x07" in shown
            assert "\x1b" not in shown and "\x07" not in shown

    async def test_wide_characters_fit_the_line(self, make_app: AppFactory) -> None:
        """CJK and emoji lines never exceed the view's width in cells."""
        app = make_app()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.press(*["j"] * 5)
            view = app.screen.query_one("#view", SentenceView)
            for y in range(view.size.height):
                assert view.render_line(y).cell_length == view.size.width
            assert "中文" in " ".join(view_lines(app))


class TestOffsetMap:
    def test_offsets_survive_escapes_and_markers(self) -> None:
        """Source offsets map to display offsets across escapes, tabs and review marks."""
        offsets = OffsetMap()
        offsets.add(0, "a\x1bb\tc")
        offsets.add_marker("✓")
        offsets.add(5, " d")
        assert offsets.text == "a\\eb    c✓ d"
        assert [offsets.start(i) for i in range(7)] == [0, 1, 3, 4, 8, 10, 11]
        assert offsets.end(5) == 9  # the end of "c", before the mark

    def test_the_view_escapes_what_the_command_line_escapes(self) -> None:
        """Every character ``visible`` escapes is escaped the same way in the view; tabs
        become spaces and line breaks stay."""
        from annotate.textsafe import visible

        for code in [*range(0x00, 0xa0), 0x061c, 0x200e, 0x200f, *range(0x202a, 0x202f),
                     *range(0x2066, 0x206a), 0xfeff]:
            char = chr(code)
            offsets = OffsetMap()
            offsets.add(0, char)
            expected = {"\t": "    ", "\n": "\n"}.get(char, visible(char))
            assert offsets.text == expected, hex(code)

    def test_wrap_breaks_words_and_keeps_paragraphs(self) -> None:
        """Lines break at spaces, long words are cut, and blank lines stay."""
        text = "alpha beta gamma\n\nabcdefghij"
        assert [text[a:b] for a, b in wrap(text, 6)] == [
            "alpha ", "beta ", "gamma", "", "abcdef", "ghij"]


class TestSizes:
    async def test_every_size_keeps_the_position(self, make_app: AppFactory) -> None:
        """Resizing from 60x20 to 250x70 and back keeps the sentence, cursor and selection."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await pilot.press("j", "l", "L", "L")
            before = (screen.sentence, screen.cursor.index, screen.cursor.anchor)
            for width, height in ((60, 20), (250, 70), (61, 21), (100, 30)):
                await pilot.resize_terminal(width, height)
                await pilot.pause()
                assert (screen.sentence, screen.cursor.index, screen.cursor.anchor) == before
                assert screen.has_class("-narrow") == (width < 90)
                lines = view_lines(app)
                assert any(line.startswith("▌") for line in lines)

    async def test_current_sentence_stays_on_screen_in_a_long_sentence(
            self, tmp_path: Path) -> None:
        """A sentence taller than the view scrolls so the word cursor stays visible."""
        words = " ".join(f"w{i}" for i in range(600)) + "."
        folder = make_project(tmp_path / "long", words, [(0, len(words))])
        app = AnnotateApp(folder, annotator="maria", document="doc",
                          session=EditSession(folder, "maria"))
        async with app.run_test(size=(60, 20)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            for _ in range(499):
                screen.action_word_next()
            await pilot.press("l")
            assert screen.cursor.index == 500
            assert any("w500" in line for line in view_lines(app))
            assert not any("w0 " in line for line in view_lines(app))
            await pilot.press("q")
