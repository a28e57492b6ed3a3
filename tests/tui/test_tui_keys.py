"""Behaviour of every key on the annotation screen, checked on the model and the saved file."""

from __future__ import annotations

import json
from typing import Any

from textual.keys import _character_to_key
from textual.message import Message
from textual.notifications import Notify

from annotate.model import RESERVED_TAG_KEYS
from annotate.storage import ProjectFolder
from annotate.tui.app import AnnotateApp
from annotate.tui.messages import ExportFinished
from annotate.tui.screens.main import MainScreen
from tests.tui.conftest import SENTENCES, AppFactory, saved, sentence_text

TEXT, SPANS = sentence_text()


def main_screen(app: AnnotateApp) -> MainScreen:
    """The annotation screen of a running app."""
    screen = app.main
    assert screen is not None
    return screen


def annotations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The saved annotations."""
    found: list[dict[str, Any]] = data["annotations"]
    return found


class TestMoving:
    async def test_j_k_and_arrows_move_between_sentences(self, make_app: AppFactory) -> None:
        """j and down go forward, k and up go back, and neither passes the ends."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("j", "j", "down")
            assert screen.sentence == 3
            await pilot.press("k", "up")
            assert screen.sentence == 1
            await pilot.press("k", "k", "k")
            assert screen.sentence == 0

    async def test_g_and_shift_g_jump_to_the_ends(self, make_app: AppFactory) -> None:
        """G goes to the last sentence and g back to the first."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("G")
            assert screen.sentence == len(SPANS) - 1
            await pilot.press("g")
            assert screen.sentence == 0

    async def test_brackets_skip_reviewed_sentences(self, make_app: AppFactory) -> None:
        """] goes to the next unreviewed sentence and [ to the previous one."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("j", "space", "space", "space")  # reviews 1, 2, 3
            assert screen.sentence == 4
            await pilot.press("g", "right_square_bracket")
            assert screen.sentence == 4
            await pilot.press("left_square_bracket")
            assert screen.sentence == 0

    async def test_colon_goes_to_a_sentence_number(self, make_app: AppFactory) -> None:
        """: asks for a number; enter jumps there (numbers count from 1)."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("colon", "7", "enter")
            assert screen.sentence == 6
            await pilot.press("colon", "9", "9", "enter")
            assert screen.sentence == 6

    async def test_search_finds_matches_forwards_and_backwards(self,
                                                               make_app: AppFactory) -> None:
        """/ finds the next match, n the one after, N the one before, wrapping round."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("slash", *"plan", "enter")
            assert screen.sentence == 0
            await pilot.press("n")
            assert screen.sentence == 7
            await pilot.press("n")
            assert screen.sentence == 0
            await pilot.press("N")
            assert screen.sentence == 7
            assert screen.search.match is not None
            assert TEXT[slice(*screen.search.match)] == "plan"

    async def test_typing_in_the_prompt_does_not_trigger_keys(self,
                                                              make_app: AppFactory) -> None:
        """Letters typed into the search prompt are text, not commands (q does not quit)."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("slash", "q", "j", "escape")
            assert app.is_running
            assert screen.sentence == 0


class TestTagging:
    async def test_tag_key_toggles_the_whole_sentence(self, make_app: AppFactory,
                                                      folder: ProjectFolder) -> None:
        """A tag key with no selection tags the sentence's span; pressing it again removes it."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "4", "3", "3")
            await pilot.press("q")
        data = saved(folder)
        assert [(a["start"], a["end"], a["tag"]) for a in annotations(data)] == [
            (*SPANS[1], "assertion")]

    async def test_selection_tags_a_trimmed_span(self, make_app: AppFactory,
                                                 folder: ProjectFolder) -> None:
        """shift+right selects from the cursor word; edge punctuation is left out."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "l", "l", "shift+right", "L", "L", "2")
            await pilot.press("q")
        (annotation,) = annotations(saved(folder))
        assert annotation["quote"] == "8.3 million workers"
        assert annotation["tag"] == "figure"

    async def test_word_cursor_and_leftward_selection(self, make_app: AppFactory,
                                                      folder: ProjectFolder) -> None:
        """h and l move the cursor; H extends to the left; the comma after "plan" goes."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("right", "right", "left", "H", "shift+left", "1")
            await pilot.press("q")
        (annotation,) = annotations(saved(folder))
        assert annotation["quote"] == "The plan"

    async def test_clause_keys_extend_to_clause_edges(self, make_app: AppFactory,
                                                      folder: ProjectFolder) -> None:
        """) selects to the end of the clause, again to the next; ( goes back a clause."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("right_parenthesis")
            selection = screen.cursor.selection(TEXT)
            assert selection is not None
            assert TEXT[slice(*selection)] == "The plan"
            await pilot.press("right_parenthesis")
            selection = screen.cursor.selection(TEXT)
            assert selection is not None
            assert TEXT[slice(*selection)] == "The plan, which was bold"
            await pilot.press("left_parenthesis", "3")
            await pilot.press("q")
        (annotation,) = annotations(saved(folder))
        assert annotation["quote"] == "The plan"

    async def test_escape_clears_the_selection(self, make_app: AppFactory,
                                               folder: ProjectFolder) -> None:
        """After escape a tag key tags the whole sentence again."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("L", "L", "escape", "4", "q")
        (annotation,) = annotations(saved(folder))
        assert (annotation["start"], annotation["end"]) == SPANS[0]

    async def test_wide_characters_are_tagged_by_code_point(self, make_app: AppFactory,
                                                            folder: ProjectFolder) -> None:
        """Spans over CJK text and emoji keep their code-point offsets and quote."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*["j"] * 6, "l", "L", "L", "L", "L", "2", "q")
        (annotation,) = annotations(saved(folder))
        assert annotation["quote"] == "👍🏽 and \"quoted words,\""
        assert TEXT[annotation["start"]:annotation["end"]] == annotation["quote"]


class TestReviewing:
    async def test_space_marks_reviewed_and_moves_on(self, make_app: AppFactory,
                                                     folder: ProjectFolder) -> None:
        """space records the review mark, also with no tag, and goes to the next sentence."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("space", "space")
            assert screen.sentence == 2
            await pilot.press("q")
        assert saved(folder)["reviewed"] == {"doc": [0, 1]}

    async def test_reopening_starts_at_the_first_unreviewed(self, make_app: AppFactory,
                                                            folder: ProjectFolder) -> None:
        """A document opens where the annotator left off: its first unreviewed sentence."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("space", "space", "q")
        again = make_app()
        async with again.run_test(size=(100, 30)) as pilot:
            assert main_screen(again).sentence == 2
            await pilot.press("q")

    async def test_x_removes_the_review_mark(self, make_app: AppFactory,
                                             folder: ProjectFolder) -> None:
        """x takes the mark off the current sentence."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("space", "k", "x", "q")
        assert saved(folder)["reviewed"] == {}


class TestEditing:
    async def test_tab_cycles_and_d_deletes(self, make_app: AppFactory,
                                            folder: ProjectFolder) -> None:
        """tab focuses each annotation of the sentence in turn; d deletes the focused one."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("1", "L", "2", "escape", "escape")
            assert screen.focused_id is None
            await pilot.press("tab")
            first = screen.focused_id
            await pilot.press("tab")
            assert screen.focused_id not in (None, first)
            await pilot.press("shift+tab")
            assert screen.focused_id == first
            await pilot.press("d", "q")
        (left,) = annotations(saved(folder))
        assert left["tag"] == "propaganda"

    async def test_undo_and_redo_across_the_session(self, make_app: AppFactory,
                                                    folder: ProjectFolder) -> None:
        """u undoes the latest change and moves to it; ctrl+r redoes it."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = main_screen(app)
            await pilot.press("j", "2", "space", "space", "u")
            assert screen.sentence == 2
            await pilot.press("u")
            assert screen.sentence == 1
            await pilot.press("u")
            assert not screen.session.annotations("doc")
            await pilot.press("ctrl+r", "ctrl+r", "q")
        data = saved(folder)
        assert [a["tag"] for a in annotations(data)] == ["figure"]
        assert data["reviewed"] == {"doc": [1]}

    async def test_editor_saves_subtype_attributes_and_note(self, make_app: AppFactory,
                                                            folder: ProjectFolder) -> None:
        """enter opens the editor; typed attributes and the note are saved with ctrl+s."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "2", "enter")
            editor = app.screen
            editor.query_one("#subtype").value = "statistical"  # type: ignore[attr-defined]
            editor.query_one("#attr-value").value = "8,300,000"  # type: ignore[attr-defined]
            editor.query_one("#attr-unit").value = "workers"  # type: ignore[attr-defined]
            editor.query_one("#attr-status").value = "unchecked"  # type: ignore[attr-defined]
            editor.query_one("#note").text = "[b]not markup[/b]"  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, MainScreen)
            await pilot.press("q")
        (annotation,) = annotations(saved(folder))
        assert annotation["subtype"] == "statistical"
        assert annotation["attributes"] == {"value": 8300000, "unit": "workers",
                                            "status": "unchecked"}
        assert annotation["note"] == "[b]not markup[/b]"

    async def test_editor_refuses_a_bad_number(self, make_app: AppFactory,
                                               folder: ProjectFolder) -> None:
        """A number field holding text keeps the editor open and saves nothing."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "2", "enter")
            editor = app.screen
            editor.query_one("#attr-value").value = "lots"  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            assert app.screen is editor
            await pilot.press("escape", "q")
        (annotation,) = annotations(saved(folder))
        assert "attributes" not in annotation or not annotation["attributes"]

    async def test_editor_typing_into_fields(self, make_app: AppFactory,
                                             folder: ProjectFolder) -> None:
        """Keys typed in the editor go into its fields (the first field has focus)."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "j", "j", "1", "enter")
            await pilot.press("tab", *"the Party", "ctrl+s", "q")
        (annotation,) = annotations(saved(folder))
        assert annotation["attributes"] == {"target": "the Party"}


class TestKeyMap:
    async def test_no_tag_can_take_a_key_the_screen_uses(self, make_app: AppFactory) -> None:
        """Every single-character key bound on the annotation screen (its own, the app's and
        Textual's) is in RESERVED_TAG_KEYS, so a project's tag can never shadow it."""
        characters = {_character_to_key(chr(code)): chr(code) for code in range(32, 127)}
        app = make_app()
        async with app.run_test(size=(100, 30)):
            bound = {characters[key]
                     for key, active in main_screen(app).active_bindings.items()
                     if key in characters and not active.binding.action.startswith("toggle_tag")}
        assert {"j", "k", "q", "?", " "} <= bound
        assert bound <= RESERVED_TAG_KEYS, sorted(bound - RESERVED_TAG_KEYS)


class TestScreensAndQuitting:
    async def test_help_opens_and_closes(self, make_app: AppFactory) -> None:
        """? shows the help screen; escape returns to the same sentence."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j", "question_mark")
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            assert main_screen(app).sentence == 1
            assert app.screen is app.main

    async def test_palette_offers_every_action_as_noun_verb(self, make_app: AppFactory) -> None:
        """The command palette lists the screen's actions, each titled "Noun: verb"."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("j")
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "Sentence: next" in titles
            assert "Tag: toggle Verifiable figure" in titles
            assert "Search: find text" in titles
            assert all(": " in title for title in titles)

    async def test_palette_command_runs_the_action(self, make_app: AppFactory) -> None:
        """Choosing "Sentence: last" in the palette moves to the last sentence."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p", *"Sentence: last")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert main_screen(app).sentence == len(SPANS) - 1

    async def test_palette_exports_json_jsonl_and_csv(self, make_app: AppFactory,
                                                      folder: ProjectFolder) -> None:
        """"Export: JSON", "Export: JSONL" and "Export: CSV" write the annotator's claims,
        unsaved ones included, to exports/<annotator>-claims.<ext> and say where."""
        seen: list[Message] = []
        app = make_app()
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
            await pilot.press("2")
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert {"Export: JSON", "Export: JSONL", "Export: CSV"} <= set(titles)
            for name in ("JSON", "JSONL", "CSV"):
                await pilot.press("ctrl+p", *f"Export: {name}")
                await pilot.pause(0.3)
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.press("q")
        exports = folder.root / "exports"
        claims = json.loads((exports / "maria-claims.json").read_text(encoding="utf-8"))
        assert [claim["tag"] for claim in claims["claims"]] == ["figure"]
        assert len((exports / "maria-claims.jsonl").read_text().splitlines()) == 1
        assert len((exports / "maria-claims.csv").read_text().splitlines()) == 2
        finished = [m for m in seen if isinstance(m, ExportFinished)]
        assert [(m.error, m.count) for m in finished] == [(None, 1)] * 3

    async def test_failed_export_is_an_error_notification(self, make_app: AppFactory,
                                                          folder: ProjectFolder) -> None:
        """An export that cannot be written says why, as an error."""
        seen: list[Message] = []
        (folder.root / "exports").write_text("a file where the folder should be")
        app = make_app()
        async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
            await pilot.press("2")
            app.export_claims("json")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("q")
        errors = [m for m in seen if isinstance(m, Notify) and m.notification.severity == "error"]
        assert len(errors) == 1

    async def test_q_saves_everything(self, make_app: AppFactory,
                                      folder: ProjectFolder) -> None:
        """Quitting folds the journal into the annotator file and releases the lock."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("2", "space", "q")
        assert not app.is_running
        data = saved(folder)
        assert len(annotations(data)) == 1
        assert not (folder.root / "annotations" / ".maria.lock").exists()

    async def test_markup_in_the_text_is_never_run(self, make_app: AppFactory) -> None:
        """Sentences holding [@click=app.quit] and friends are shown and the app keeps going."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press(*["j"] * 3)
            await pilot.click("#view")
            assert app.is_running
            assert main_screen(app).sentence == 3
            assert SENTENCES[3][0].startswith("Clicking [@click=app.quit]")
