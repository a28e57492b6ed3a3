"""Keys that arrive all at once (a paste, tmux send-keys) keep their order around the prompt,
and q saves and quits from the annotation screen whatever has focus."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from annotate.storage import ProjectFolder
from annotate.tui.app import AnnotateApp
from annotate.tui.screens.main import MainScreen
from annotate.tui.widgets.prompt_bar import PromptBar
from tests.tui.conftest import AppFactory, saved, sentence_text

TEXT, SPANS = sentence_text()

CHARACTERS = {"slash": "/", "colon": ":", "enter": "\r", "space": " ", "escape": "\x1b",
              "backspace": "\x7f", "left_square_bracket": "["}
"""The character a terminal sends for each named key used here."""


def burst(app: AnnotateApp, *keys: str) -> None:
    """Queue every key at once, as a terminal delivers a paste: none waits for the last."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None)))


def main_screen(app: AnnotateApp) -> MainScreen:
    """The annotation screen of a running app."""
    screen = app.main
    assert screen is not None
    return screen


class TestBurstAroundThePrompt:
    async def test_search_typed_in_one_burst(self, make_app: AppFactory,
                                             folder: ProjectFolder) -> None:
        """"/Stalin" and enter in one burst search for "Stalin": the letters go to the
        prompt (none moves or tags), "/" is not in the query, enter opens no editor."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("1")  # the sentence has an annotation: enter would edit it
            burst(app, "slash", *"Stalin", "enter")
            await pilot.pause()
            assert screen.search.query == "Stalin"
            assert screen.sentence == 7
            assert screen is app.screen
            assert [a.start for a in screen.session.annotations("doc")] == [SPANS[0][0]]
            assert not screen.query_one(PromptBar).is_open
            assert app.focused is None

    async def test_keys_before_and_after_the_prompt_keep_their_order(
            self, make_app: AppFactory, folder: ProjectFolder) -> None:
        """"j", "/plan", enter, "1" in one burst: j moves first, the search finds sentence 7
        ("the plan was fulfilled"), then 1 tags that sentence, not another."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            burst(app, "j", "slash", *"plan", "enter", "1", "q")
            await pilot.pause()
        (annotation,) = saved(folder)["annotations"]  # type: ignore[misc]
        assert (annotation["start"], annotation["end"]) == SPANS[7]

    async def test_slash_inside_the_query_is_kept(self, make_app: AppFactory) -> None:
        """Only the "/" that opens the prompt is dropped: "/[/b" searches for "[/b"."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            burst(app, "slash", "left_square_bracket", "slash", "b", "enter")
            await pilot.pause()
            assert screen.search.query == "[/b"
            assert screen.sentence == 2

    async def test_a_new_search_replaces_the_last_query(self, make_app: AppFactory) -> None:
        """The prompt opens with the last query selected, so typing replaces it."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            burst(app, "slash", *"plan", "enter")
            burst(app, "slash", *"Emoji", "enter")
            await pilot.pause()
            assert screen.search.query == "Emoji"
            assert screen.sentence == 6

    async def test_go_to_sentence_in_one_burst(self, make_app: AppFactory) -> None:
        """":", "7", enter and "j" in one burst land on sentence 8 (7, then one down)."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            burst(app, "colon", "7", "enter", "j")
            await pilot.pause()
            assert screen.sentence == 7

    async def test_escape_and_backspace_in_a_burst(self, make_app: AppFactory) -> None:
        """Backspace edits the prompt; escape closes it and the next key moves again."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            burst(app, "colon", "5", "backspace", "3", "enter", "slash", "x", "escape", "j")
            await pilot.pause()
            assert screen.sentence == 3
            assert screen.search.query == ""

    async def test_pasted_search_runs(self, make_app: AppFactory) -> None:
        """A pasted "/Stalin" and line break searches as if typed."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            app.post_message(events.Paste("/Stalin\n"))
            await pilot.pause()
            assert screen.search.query == "Stalin"
            assert screen.sentence == 7


class TestQuitAlwaysWorks:
    async def test_q_quits_after_tabs(self, make_app: AppFactory,
                                      folder: ProjectFolder) -> None:
        """Tab through the annotations (and past the end), then q saves and quits."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("1", "L", "2", "escape", "tab", "tab", "tab", "shift+tab", "j",
                              "tab", "tab", "q")
            await pilot.pause()
            assert not app.is_running
        assert len(saved(folder)["annotations"]) == 2  # type: ignore[arg-type]

    async def test_q_quits_with_the_hidden_prompt_focused(self, make_app: AppFactory,
                                                          folder: ProjectFolder) -> None:
        """Even if the closed prompt's input had kept the focus, q saves and quits."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("2")
            screen.set_focus(screen.query_one("#prompt-input", Input))
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
        assert len(saved(folder)["annotations"]) == 1  # type: ignore[arg-type]

    async def test_q_in_the_open_prompt_is_a_letter(self, make_app: AppFactory) -> None:
        """While the prompt is open q is typed into it; escape then q quits."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            burst(app, "slash", "q", "u", "enter")
            await pilot.pause()
            assert screen.search.query == "qu"
            assert app.is_running
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
