"""The annotation screen's editing actions: tag, review, delete, edit, undo and redo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.color import Color
from textual.screen import Screen

from annotate.errors import AnnotateError
from annotate.model import Annotation, Project
from annotate.session import Change, EditSession
from annotate.tui.cursor import WordCursor

if TYPE_CHECKING:
    from annotate.tui.widgets.sentence_view import SentenceView


class EditingActions(Screen[None]):
    """The base of ``MainScreen``: every action that changes the annotator's file."""

    session: EditSession
    project: Project
    tag_palette: dict[str, Color]
    document: str
    text: str
    sentences: list[tuple[int, int]]
    sentence: int
    cursor: WordCursor
    focused_id: str | None

    if TYPE_CHECKING:  # provided by MainScreen
        @property
        def view(self) -> SentenceView: ...
        def _load(self, document: str) -> None: ...
        def _reset_cursor(self, around: int | None = None) -> None: ...
        def _refresh(self, changed: bool = False) -> None: ...
        def _show_status(self, detail: str | None = None) -> None: ...
        def sentence_of(self, offset: int) -> int: ...
        def target(self) -> Annotation | None: ...
        def sentence_annotations(self) -> list[Annotation]: ...
        def go(self, sentence: int, offset: int | None = None) -> None: ...

    def changed(self, detail: str | None = None) -> None:
        """After an edit: redraw, schedule a save, say what happened."""
        self._refresh(changed=True)
        if detail:
            self._show_status(detail)
        schedule = getattr(self.app, "schedule_save", None)
        if schedule is not None:
            schedule()

    def guard_edit(self, error: AnnotateError) -> None:
        """Show an edit that failed."""
        show = getattr(self.app, "show_error", None)
        if show is not None:
            show(error)
        else:
            self.notify(str(error), severity="error", markup=False)

    def action_toggle_tag(self, tag_id: str) -> None:
        """Toggle a tag on the selection, or on the whole sentence when nothing is selected."""
        span = self.cursor.selection(self.text) or self.sentences[self.sentence]
        try:
            added = self.session.toggle(self.document, span[0], span[1], tag_id)
        except AnnotateError as error:
            self.guard_edit(error)
            return
        self.cursor.clear()
        self.focused_id = added.id if added else None
        self.changed(f"{'added' if added else 'removed'} {tag_id}")

    def action_review(self) -> None:
        """Mark the sentence reviewed and move to the next."""
        try:
            self.session.set_reviewed(self.document, self.sentence, True)
        except AnnotateError as error:
            self.guard_edit(error)
            return
        if self.sentence < len(self.sentences) - 1:
            self.sentence += 1
            self.focused_id = None
            self._reset_cursor()
        self.changed()

    def action_unreview(self) -> None:
        """Take the review mark off the sentence."""
        try:
            self.session.set_reviewed(self.document, self.sentence, False)
        except AnnotateError as error:
            self.guard_edit(error)
            return
        self.changed("review mark removed")

    def action_annotation_delete(self) -> None:
        """Delete the focused annotation."""
        target = self.target()
        if target is None:
            return
        try:
            self.session.delete(target.id)
        except AnnotateError as error:
            self.guard_edit(error)
            return
        self.focused_id = None
        self.changed(f"deleted {target.tag}")

    def action_annotation_edit(self) -> None:
        """Open the editor for the focused annotation."""
        from annotate.tui.screens.editor import AnnotationEditor, EditorResult

        target = self.target()
        tag = self.project.tag(target.tag) if target else None
        if target is None or tag is None:
            return
        self.focused_id = target.id

        def apply(result: EditorResult | None) -> None:
            if result is None:
                return
            try:
                self.session.update(target.id, subtype=result.subtype,
                                    attributes=result.attributes, note=result.note)
            except AnnotateError as error:
                self.guard_edit(error)
                return
            self.changed(f"edited {target.tag}")

        self.app.push_screen(AnnotationEditor(target, tag, self.tag_palette[tag.id]), apply)

    def action_undo(self) -> None:
        """Undo the latest change of the session."""
        self._show_change(self.session.undo)

    def action_redo(self) -> None:
        """Redo the latest undone change."""
        self._show_change(self.session.redo)

    def _show_change(self, step: Callable[[], Change | None]) -> None:
        try:
            change = step()
        except AnnotateError as error:
            self.guard_edit(error)
            return
        if change is None:
            self.notify("Nothing to undo." if step == self.session.undo else "Nothing to redo.",
                        markup=False)
            return
        if change.document != self.document:
            self._load(change.document)
            self.view.set_document(self.text, self.sentences)
        sentence = change.sentence if change.sentence is not None else self.sentence_of(
            change.start)
        self.sentence = sentence
        self.focused_id = None
        self._reset_cursor()
        self.changed(change.description)
