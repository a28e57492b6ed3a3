"""The annotation screen: step through a document sentence by sentence and tag claims."""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.keys import _character_to_key
from textual.worker import Worker, WorkerState

from annotate.errors import AnnotateError
from annotate.model import Annotation
from annotate.session import EditSession
from annotate.tui.colors import tag_colors
from annotate.tui.cursor import WordCursor
from annotate.tui.messages import AnnotationsLoaded
from annotate.tui.screens.main_keys import NAVIGATION_BINDINGS
from annotate.tui.screens.main_move import MovingActions
from annotate.tui.search import Search
from annotate.tui.widgets.key_bar import KeyBar
from annotate.tui.widgets.prompt_bar import PromptBar
from annotate.tui.widgets.sentence_view import SentenceView, ViewState
from annotate.tui.widgets.side_panel import SentenceAnnotations, TagLegend
from annotate.tui.widgets.status import StatusHeader, StatusLine

NARROW_WIDTH = 90
"""Below this many columns the side panel goes under the text."""


class MainScreen(MovingActions):
    """One document, the current sentence in context, the legend and the sentence's tags."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *NAVIGATION_BINDINGS,
        # q saves and quits whatever has focus; only the open prompt takes it as a letter
        Binding("q", "quit", "Quit", id="main.quit", priority=True, tooltip="Save and quit"),
    ]
    AUTO_FOCUS = "SentenceView"

    def __init__(self, session: EditSession, document: str) -> None:
        super().__init__()
        self.session = session
        self.project = session.project
        self.tag_palette = tag_colors(self.project)
        self._bindings = BindingsMap.merge([BindingsMap(self.tag_bindings()), self._bindings])
        self.document = ""
        self.text = ""
        self.sentences: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self.sentence = 0
        self.cursor = WordCursor()
        self.focused_id: str | None = None
        self.search = Search()
        self._positions: dict[str, int] = {}
        self._orphans: dict[str, list[Annotation]] = {}
        self._availability: tuple[bool, ...] = ()
        self.reading = not session.loaded
        """True until the annotator's file is read: the text shows, editing waits."""
        self._moved = False
        self._load(document)

    def tag_bindings(self) -> list[BindingType]:
        tags = Binding.Group("Tag")
        return [Binding(_character_to_key(tag.key), f"toggle_tag('{tag.id}')", tag.id,
                        key_display=tag.key, group=tags, id=f"tag.{tag.id}", priority=True,
                        tooltip=f"Toggle {tag.label} on the selection or the sentence")
                for tag in self.project.tags]

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="header", markup=False)
        with Horizontal(id="body"):
            yield SentenceView(self.text, self.sentences, _Source(self), id="view")
            with Vertical(id="panel"):
                yield TagLegend(self.project, self.tag_palette, id="legend")
                yield SentenceAnnotations(self.project, self.tag_palette, id="annotations")
        yield StatusLine(id="status", markup=False)
        yield PromptBar(id="prompt")
        yield KeyBar(id="keys", markup=False)

    def on_mount(self) -> None:
        """Draw everything once; then read the annotations, so the text shows at once."""
        self._refresh(changed=True)
        if self.reading:
            self.call_after_refresh(self._read_annotations)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _read_annotations(self) -> None:
        """Read the annotator's file and journal off the UI thread."""
        try:
            self.session.load()
        except AnnotateError as error:
            self.post_message(AnnotationsLoaded(str(error), error.title))
            return
        self.post_message(AnnotationsLoaded())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A reader that failed unexpectedly is reported like a broken file."""
        if event.worker.group == "load" and event.state == WorkerState.ERROR:
            self.post_message(AnnotationsLoaded(
                f"could not read {self.session.annotator}'s annotations: {event.worker.error}",
                "Could not open"))

    @on(AnnotationsLoaded)
    def annotations_loaded(self, event: AnnotationsLoaded) -> None:
        """Show the annotations; go to the first unreviewed sentence unless the annotator
        already moved. The message goes on to the app, which reports errors."""
        if event.error is not None or not self.reading:
            return
        self.reading = False
        if not self._moved:
            first = self.session.next_unreviewed(self.document, -1, len(self.sentences))
            if first is not None and first != self.sentence:
                self.sentence = first
                self.focused_id = None
                self._reset_cursor()
        self._refresh(changed=True)

    def on_resize(self) -> None:
        """Stack the panel under the text on narrow terminals."""
        narrow = self.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._show_legend()

    # --- state --------------------------------------------------------------------------------

    @property
    def view(self) -> SentenceView:
        """The document view."""
        return self.query_one("#view", SentenceView)

    def _load(self, document: str) -> None:
        folder = self.session.folder
        if self.document:
            self._positions[self.document] = self.sentence
        self.document = document
        self.text = folder.text(document)
        self.sentences = folder.sentences(document)
        self._starts = [start for start, _ in self.sentences]
        if document in self._positions:
            self.sentence = self._positions[document]
        elif self.reading:  # the review marks are not read yet
            self.sentence = 0
        else:  # where the annotator left off: the first sentence not yet reviewed
            first = self.session.next_unreviewed(document, -1, len(self.sentences))
            self.sentence = first if first is not None else 0
        self.focused_id = None
        self._reset_cursor()

    def open_document(self, document: str) -> None:
        """Switch to another document of the project, where the annotator left it."""
        if document == self.document:
            return
        self._load(document)
        self.view.set_document(self.text, self.sentences)
        self._refresh(changed=True)

    def _reset_cursor(self, around: int | None = None) -> None:
        if self.sentences:
            start, end = self.sentences[self.sentence]
            self.cursor = WordCursor.for_sentence(self.text, start, end, around)
        else:
            self.cursor = WordCursor()

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence holding (or last starting before) document ``offset``."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def sentence_annotations(self) -> list[Annotation]:
        """Annotations overlapping the current sentence, in text order."""
        if not self.sentences:
            return []
        start, end = self.sentences[self.sentence]
        return sorted((a for a in self.session.annotations_overlapping(self.document, start,
                                                                         end)
                       if not a.orphaned), key=lambda a: (a.start, a.end, a.tag, a.id))

    def orphans(self) -> list[Annotation]:
        """The document's orphaned annotations: its text changed and their quote was not
        found again, so their offsets mean nothing. Cached: no edit makes or mends one."""
        if self.reading:
            return []
        found = self._orphans.get(self.document)
        if found is None:
            found = self._orphans[self.document] = [
                a for a in self.session.annotations(self.document) if a.orphaned]
        return found

    def action_show_orphans(self) -> None:
        """List the document's orphaned annotations."""
        from annotate.tui.screens.orphaned import OrphanedScreen

        self.app.push_screen(OrphanedScreen(self.project, self.tag_palette, self.orphans()))

    def target(self) -> Annotation | None:
        """The annotation enter and d act on: the focused one, else the sentence's only one."""
        if self.focused_id is not None:
            return self.session.get(self.focused_id)
        annotations = self.sentence_annotations()
        return annotations[0] if len(annotations) == 1 else None

    def go(self, sentence: int, offset: int | None = None) -> None:
        """Make ``sentence`` current, with the cursor on its first word (or at ``offset``)."""
        if not self.sentences:
            return
        self._moved = True
        self.sentence = max(0, min(sentence, len(self.sentences) - 1))
        self.focused_id = None
        self._reset_cursor(around=offset)
        self._refresh()

    def _refresh(self, changed: bool = False) -> None:
        """Push the state down to the widgets; ``changed`` when annotations or marks changed."""
        view = self.view
        annotations = self.sentence_annotations()
        if self.focused_id is not None and all(a.id != self.focused_id for a in annotations):
            self.focused_id = None
        view.show(ViewState(sentence=self.sentence, cursor=self.cursor.cursor_span,
                            selection=self.cursor.selection(self.text), focused=self.focused_id,
                            match=self.search.match), changed=changed)
        if changed:
            self._show_legend()
            self._show_header()
        self.query_one("#annotations", SentenceAnnotations).show_annotations(
            annotations, self.focused_id, loading=self.reading)
        self._show_status()
        availability = self._current_availability(annotations)
        if availability != self._availability:
            self._availability = availability
            self.refresh_bindings()

    def _show_legend(self) -> None:
        counts = None if self.reading else self.session.tag_counts(self.document)
        orphans = self.orphans()
        for orphan in orphans:  # counted apart: they are nowhere in the text
            if counts is not None and counts.get(orphan.tag):
                counts[orphan.tag] -= 1
        self.query_one("#legend", TagLegend).show_counts(
            counts, compact=self.has_class("-narrow"), orphaned=len(orphans))

    def _show_header(self) -> None:
        document = self.project.document(self.document)
        self.query_one("#header", StatusHeader).show(
            project=self.project.title,
            document=(document.title or document.id) if document else self.document,
            annotator=self.session.annotator,
            reviewed=self.session.reviewed_count(self.document), total=len(self.sentences),
            read_only=self.session.read_only, loading=self.reading,
            orphaned=len(self.orphans()))

    def _show_status(self, detail: str | None = None) -> None:
        if detail is None:
            selection = self.cursor.selection(self.text)
            if selection:
                detail = f"selected: {self.text[selection[0]:selection[1]]!r}"
            elif self.search.query:
                detail = f"search: {self.search.query!r}"
            else:
                detail = ""
        self.query_one("#status", StatusLine).show(
            sentence=self.sentence, total=len(self.sentences),
            reviewed=None if self.reading else (
                bool(self.sentences) and self.session.is_reviewed(self.document,
                                                                  self.sentence)),
            detail=detail[:200])

    def _current_availability(self, annotations: list[Annotation]) -> tuple[bool, ...]:
        ready = not self.reading
        writable = ready and not self.session.read_only
        has_target = self.focused_id is not None or len(annotations) == 1
        return (ready, writable, self.sentence > 0, self.sentence < len(self.sentences) - 1,
                bool(annotations), has_target, self.cursor.anchor is not None,
                self.session.can_undo, self.session.can_redo, bool(self.search.query))

    # --- availability -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enable each action only where it can do something; None shows it dimmed."""
        (ready, writable, has_previous, has_next, has_annotations, has_target, has_selection,
         can_undo, can_redo, has_query) = self._availability or self._current_availability(
             self.sentence_annotations())
        rules: dict[str, bool] = {
            "sentence_next": has_next, "sentence_previous": has_previous,
            "sentence_first": has_previous, "sentence_last": has_next,
            "unreviewed_next": ready, "unreviewed_previous": ready,
            "review": writable and bool(self.sentences), "unreview": writable,
            "toggle_tag": writable and bool(self.sentences),
            "annotation_next": has_annotations, "annotation_previous": has_annotations,
            "annotation_edit": writable and has_target,
            "annotation_delete": writable and has_target,
            "undo": writable and can_undo, "redo": writable and can_redo,
            "search_next": has_query, "search_previous": has_query,
            "clear": has_selection or self.focused_id is not None,
        }
        allowed = rules.get(action, True)
        return True if allowed else None

    async def action_quit(self) -> None:
        """Save everything and quit."""
        await self.app.run_action("quit")

    # --- search -------------------------------------------------------------------------------

    def action_search(self) -> None:
        """Ask for text to find."""
        self.query_one(PromptBar).ask("search", "Search:", "text (case-insensitive unless it "
                                                           "has capitals)", self.search.query)

    def action_search_next(self) -> None:
        """Next match of the search."""
        self._find(forward=True)

    def action_search_previous(self) -> None:
        """Previous match of the search."""
        self._find(forward=False)

    def _find(self, forward: bool) -> None:
        if not self.search.query:
            return
        start, end = self.sentences[self.sentence]
        found = self.search.find(self.text, start, end, forward=forward)
        if found is None:
            self.notify(f"Not found: {self.search.query!r}", severity="warning", markup=False)
            self._refresh()
            return
        match_start, wrapped = found
        self.go(self.sentence_of(match_start), offset=match_start)
        if wrapped:
            self.notify("Search wrapped around the document.", markup=False)

    @on(PromptBar.Submitted)
    def prompt_submitted(self, event: PromptBar.Submitted) -> None:
        """Run the search or the jump the prompt asked for."""
        if event.purpose == "search":
            self.search.set_query(event.value)
            self._find(forward=True)
        elif event.purpose == "goto":
            value = event.value.strip().replace(",", "")
            if not value.isdigit() or not 1 <= int(value) <= len(self.sentences):
                self.notify(f"Give a sentence number from 1 to {len(self.sentences):,}.",
                            severity="warning", markup=False)
                return
            self.go(int(value) - 1)


class _Source:
    """What the view reads, answered from the screen's session and document."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen

    def is_reviewed(self, sentence: int) -> bool:
        """Whether the sentence is marked reviewed."""
        return self._screen.session.is_reviewed(self._screen.document, sentence)

    def annotations_between(self, start: int, end: int) -> list[Annotation]:
        """Annotations overlapping [start, end); never orphans, whose offsets are stale."""
        return [a for a in self._screen.session.annotations_overlapping(
            self._screen.document, start, end) if not a.orphaned]

    def tag_color(self, tag_id: str) -> Color:
        """The tag's colour."""
        return self._screen.tag_palette.get(tag_id, Color(128, 128, 128))
