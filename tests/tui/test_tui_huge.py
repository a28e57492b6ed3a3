"""A document that is one 1 MB line: it opens, the view lays out a bounded part of it, and the
word cursor, the selection and tagging work, each key in bounded time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotate.storage import ProjectFolder
from annotate.tui import cursor as cursor_module
from annotate.tui.widgets.sentence_view import SHOWN_EDGE
from tests.conftest import make_project
from tests.tui.conftest import AppFactory, saved

WORDS = ["alpha", "beta,", "gamma", "中文", "word;", "x"]
MIDDLE = "needle in the middle"


def huge_line() -> str:
    """About 1 MB of words in one sentence, with MIDDLE halfway."""
    half = " ".join(WORDS[i % len(WORDS)] for i in range(90_000))
    return f"{half} {MIDDLE} {half}."


@pytest.fixture
def huge(tmp_path: Path) -> ProjectFolder:
    """A project whose document is a short sentence, the huge one, and a short one."""
    line = huge_line()
    text = f"Short first. {line} Short last."
    spans = [(0, 12), (13, 13 + len(line)), (14 + len(line), len(text))]
    return make_project(tmp_path / "huge", text, spans)


class TestHugeSentence:
    async def test_opens_moves_and_tags_in_bounded_time(self, make_app: AppFactory,
                                                        huge: ProjectFolder) -> None:
        """Entering the 1 MB sentence, moving, searching to its middle and tagging a
        selection there each take well under a second; the view lays out a few thousand
        characters, not the million; the tag covers exactly the selected words."""
        text = huge.text("doc")
        app = make_app(target=huge)
        started = time.perf_counter()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.main
            assert screen is not None
            for keys in (["j"], ["l", "l", "H"], ["escape", "k"], ["j"]):
                before = time.perf_counter()
                await pilot.press(*keys)
                assert time.perf_counter() - before < 1.0, keys
            assert screen.sentence == 1
            shown = screen.view._window_text(0, 2, 96)[1]
            assert len(shown) < 6 * SHOWN_EDGE + 200
            assert "more characters" in shown
            before = time.perf_counter()
            await pilot.press("slash", *"needle", "enter", "l", "L", "L", "2")
            assert time.perf_counter() - before < 3.0
            await pilot.press("q")
        assert time.perf_counter() - started < 20
        (annotation,) = saved(huge)["annotations"]  # type: ignore[misc]
        middle = text.index(MIDDLE)
        assert text[annotation["start"]:annotation["end"]] == "in the"
        assert annotation["start"] == middle + len("needle ")

    async def test_the_cursor_walks_past_its_window(self, make_app: AppFactory,
                                                    huge: ProjectFolder,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        """With a small window, l and h step word by word across the window's edges in both
        directions, never skipping or repeating a word."""
        monkeypatch.setattr(cursor_module, "CURSOR_WINDOW", 40)
        text = huge.text("doc")
        app = make_app(target=huge)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.main
            assert screen is not None
            await pilot.press("j")
            start = screen.sentences[1][0]
            expected = [start]
            for _ in range(30):
                screen.action_word_next()
                assert screen.cursor.cursor_span is not None
                expected.append(screen.cursor.cursor_span[0])
            words = [start + i for i, char in enumerate(text[start:start + 400])
                     if char != " " and (i == 0 or text[start + i - 1] == " ")]
            assert expected == words[:31]
            for position in reversed(expected[:-1]):
                screen.action_word_previous()
                assert screen.cursor.cursor_span is not None
                assert screen.cursor.cursor_span[0] == position
