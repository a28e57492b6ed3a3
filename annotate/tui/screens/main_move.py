"""The annotation screen's moving actions: sentences, the word cursor, the selection."""

from __future__ import annotations

from annotate.tui.screens.main_edit import EditingActions
from annotate.tui.widgets.prompt_bar import PromptBar


class MovingActions(EditingActions):
    """The base of ``MainScreen``: every action that moves the position or the selection."""

    _moved: bool

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
        self.cursor.move(1)
        self._moved = True
        self._refresh()

    def action_word_previous(self) -> None:
        """Cursor to the previous word."""
        self.cursor.move(-1)
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
