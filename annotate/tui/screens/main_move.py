"""The annotation screen's moving actions: sentences, the word cursor, the selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

from annotate.tui.screens.main_edit import EditingActions
from annotate.tui.widgets.prompt_bar import PromptBar


class MovingActions(EditingActions):
    """The base of ``MainScreen``: every action that moves the position or the selection."""

    _moved: bool

    if TYPE_CHECKING:  # provided by MainScreen
        def action_search(self) -> None: ...
        def prompt_submitted(self, event: PromptBar.Submitted) -> None: ...

    def action_sentence_next(self) -> None:
        """Next sentence."""
        self.go(self.sentence + 1)

    def action_sentence_previous(self) -> None:
        """Previous sentence."""
        self.go(self.sentence - 1)

    def action_sentence_first(self) -> None:
        """First sentence."""
        self.go(0)

    def action_sentence_last(self) -> None:
        """Last sentence."""
        self.go(len(self.sentences) - 1)

    def action_unreviewed_next(self) -> None:
        """Next sentence not yet reviewed."""
        found = self.session.next_unreviewed(self.document, self.sentence, len(self.sentences))
        if found is None:
            self.notify("No unreviewed sentence after this one.", markup=False)
        else:
            self.go(found)

    def action_unreviewed_previous(self) -> None:
        """Previous sentence not yet reviewed."""
        found = self.session.next_unreviewed(self.document, self.sentence, len(self.sentences),
                                             backwards=True)
        if found is None:
            self.notify("No unreviewed sentence before this one.", markup=False)
        else:
            self.go(found)

    def action_goto(self) -> None:
        """Ask for a sentence number."""
        self.query_one(PromptBar).ask("goto", "Go to sentence:",
                                      f"1-{len(self.sentences):,}")

    def action_word_next(self) -> None:
        """Cursor to the next word."""
        self._step_word(1)

    def action_word_previous(self) -> None:
        """Cursor to the previous word."""
        self._step_word(-1)

    def _step_word(self, delta: int) -> None:
        cursor = self.cursor
        if cursor.at_window_edge(delta) and cursor.words:
            # a huge sentence: the cursor knows the words near it; fetch the next stretch
            edge_start, edge_end = cursor.words[cursor.index]
            self._reset_cursor(around=edge_end if delta > 0 else edge_start - 1)
            self.cursor.index = next(
                (i for i, span in enumerate(self.cursor.words) if span[0] >= edge_end)
                if delta > 0 else
                (i for i in range(len(self.cursor.words) - 1, -1, -1)
                 if self.cursor.words[i][1] <= edge_start), self.cursor.index)
        else:
            cursor.move(delta)
        self._moved = True
        self._refresh()

    def action_extend_next(self) -> None:
        """Extend the selection by a word to the right."""
        self.cursor.extend(1)
        self._moved = True
        self._refresh()

    def action_extend_previous(self) -> None:
        """Extend the selection by a word to the left."""
        self.cursor.extend(-1)
        self._moved = True
        self._refresh()

    def action_clause_next(self) -> None:
        """Extend the selection to the end of the clause."""
        self.cursor.extend_clause(forward=True)
        self._moved = True
        self._refresh()

    def action_clause_previous(self) -> None:
        """Extend the selection back to the start of the clause."""
        self.cursor.extend_clause(forward=False)
        self._moved = True
        self._refresh()

    def action_clear(self) -> None:
        """Drop the selection, else the annotation focus."""
        if not self.cursor.clear():
            self.focused_id = None
        self._refresh()

    def action_annotation_next(self) -> None:
        """Focus the sentence's next annotation."""
        self._cycle(1)

    def action_annotation_previous(self) -> None:
        """Focus the sentence's previous annotation."""
        self._cycle(-1)

    def _cycle(self, step: int) -> None:
        ids = [a.id for a in self.sentence_annotations()]
        if not ids:
            return
        if self.focused_id in ids:
            self.focused_id = ids[(ids.index(self.focused_id) + step) % len(ids)]
        else:
            self.focused_id = ids[0] if step > 0 else ids[-1]
        self._refresh()

    def take_key(self, event: events.Key) -> bool:
        """While the prompt is open every key goes into it as the app reads it, so the
        keys before and after it keep their order with the screen's own keys; say whether
        the key was taken."""
        prompt = self.query_one(PromptBar)
        if not prompt.is_open:
            if self.focused is not None:
                # nothing but the open prompt takes keys here: a widget left focused (the
                # closed prompt's input) must not swallow q or a tag key
                self.set_focus(None)
            return False
        answer = prompt.take_key(event.key, event.character)
        if isinstance(answer, PromptBar.Submitted):
            self.prompt_submitted(answer)
        return True

    def on_paste(self, event: events.Paste) -> None:
        """A pasted "/text" or ":number" opens that prompt with the rest; a line break after
        it submits it, as typing it would."""
        text = event.text
        if text[:1] not in ("/", ":") or self.query_one(PromptBar).is_open:
            return
        event.stop()
        first_line, *rest = text[1:].splitlines() or [""]
        if text[0] == "/":
            self.action_search()
        else:
            self.action_goto()
        prompt = self.query_one(PromptBar)
        prompt.set_value(first_line)
        if rest or text.endswith(("\n", "\r")):
            answer = prompt.take_key("enter", None)
            if isinstance(answer, PromptBar.Submitted):
                self.prompt_submitted(answer)
