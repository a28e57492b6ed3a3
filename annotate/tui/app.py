"""AnnotateApp: the annotator's terminal UI over one project folder and one edit session."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from annotate.errors import AnnotateError, LockedError
from annotate.session import EditSession, SaveConflictError
from annotate.storage import ProjectFolder
from annotate.textsafe import visible
from annotate.tui.messages import (
    AnnotationsLoaded,
    ConflictCopySaved,
    ExportFinished,
    SaveFinished,
)
from annotate.tui.screens.dialogs import (
    AnnotatorPrompt,
    ConflictDialog,
    ErrorDialog,
    LockedDialog,
)
from annotate.tui.screens.documents import DocumentPicker, DocumentProgress
from annotate.tui.screens.help import EXTRA_KEYS, HelpScreen, key_table
from annotate.tui.screens.main import MainScreen
from annotate.tui.screens.main_keys import NAVIGATION_BINDINGS

SessionFactory = Callable[..., EditSession]

PALETTE_ACTIONS: list[tuple[str, str, str]] = [
    ("Sentence: next", "Move to the next sentence (j)", "sentence_next"),
    ("Sentence: previous", "Move to the previous sentence (k)", "sentence_previous"),
    ("Sentence: first", "Move to the first sentence (g)", "sentence_first"),
    ("Sentence: last", "Move to the last sentence (G)", "sentence_last"),
    ("Sentence: next unreviewed", "Skip to the next sentence not yet reviewed (])",
     "unreviewed_next"),
    ("Sentence: previous unreviewed", "Back to the previous sentence not yet reviewed ([)",
     "unreviewed_previous"),
    ("Sentence: go to number", "Jump to a sentence by its number (:)", "goto"),
    ("Sentence: mark reviewed", "Mark reviewed and move to the next sentence (space)",
     "review"),
    ("Sentence: unmark reviewed", "Take the review mark off this sentence (x)", "unreview"),
    ("Cursor: next word", "Move the word cursor right (l)", "word_next"),
    ("Cursor: previous word", "Move the word cursor left (h)", "word_previous"),
    ("Selection: extend by word right", "Select word by word to the right (L)",
     "extend_next"),
    ("Selection: extend by word left", "Select word by word to the left (H)",
     "extend_previous"),
    ("Selection: extend by clause right", "Select to the end of the clause ())",
     "clause_next"),
    ("Selection: extend by clause left", "Select back to the start of the clause (()",
     "clause_previous"),
    ("Selection: clear", "Drop the selection (escape)", "clear"),
    ("Annotation: next", "Focus the sentence's next annotation (tab)", "annotation_next"),
    ("Annotation: previous", "Focus the sentence's previous annotation (shift+tab)",
     "annotation_previous"),
    ("Annotation: edit", "Edit subtype, attributes and note (enter)", "annotation_edit"),
    ("Annotation: delete", "Delete the focused annotation (d)", "annotation_delete"),
    ("Edit: undo", "Undo the latest change (u)", "undo"),
    ("Edit: redo", "Redo the latest undone change (ctrl+r)", "redo"),
    ("Search: find text", "Search the document (/)", "search"),
    ("Search: next match", "Next match (n)", "search_next"),
    ("Search: previous match", "Previous match (N)", "search_previous"),
]
"""Palette commands run on the annotation screen: (title, help, action)."""

EXPORT_FORMATS: list[tuple[str, str]] = [("JSON", "json"), ("JSONL", "jsonl"), ("CSV", "csv")]
"""Formats the palette exports to: (name in the title, format and file extension)."""

EXPORTS_DIR = "exports"
"""Folder of the project the palette's exports are written to."""


class AnnotateApp(App[int]):
    """Open a project for one annotator and step through a document sentence by sentence."""

    CSS_PATH = "app.tcss"
    TITLE = "annotate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Save and quit"),
        Binding("question_mark", "help", "Help", id="app.help",
                tooltip="Every key, the tag definitions and the guidelines"),
    ]

    def __init__(self, folder: ProjectFolder, *, annotator: str | None = None,
                 document: str | None = None, session: EditSession | None = None,
                 locked: str | None = None, session_factory: SessionFactory = EditSession,
                 save_delay: float = 2.0) -> None:
        super().__init__()
        self.folder = folder
        self.annotator = annotator
        self.document = document
        self.session = session
        self.locked = locked
        self.session_factory = session_factory
        self.save_delay = save_delay
        self.quit_problem: str | None = None
        self._save_timer: Timer | None = None
        self._conflict_dialog_open = False
        self._conflict_seen = False
        """The annotator was asked about the replaced file; edits no longer ask again."""

    # --- starting -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Show the document at once when everything is known; otherwise ask first."""
        if self.session is not None and self.document is not None:
            self._open_main(self.session, self.document)
        else:
            self.run_worker(self._start(), exclusive=True, group="start")

    async def _start(self) -> None:
        """Ask for whatever is missing: the annotator, lock handling, the document."""
        if self.annotator is None:
            self.annotator = await self.push_screen_wait(
                AnnotatorPrompt(self.folder.annotator_names()))
            if self.annotator is None:
                self.exit(0)
                return
        if self.session is None:
            session = await self._open_session(self.annotator)
            if session is None:
                self.exit(0)
                return
            self.session = session
        if self.document is None:
            if not self._load_now(self.session):
                return
            self.document = await self.push_screen_wait(DocumentPicker(self.progress()))
            if self.document is None:
                self.action_quit()
                return
        self._open_main(self.session, self.document)

    def _load_now(self, session: EditSession) -> bool:
        """Read the annotations before the document picker, which shows progress."""
        try:
            session.load()
        except AnnotateError as error:
            self.close_session()
            self.push_screen(ErrorDialog(error.title, str(error)), lambda _: self.exit(2))
            return False
        return True

    async def _open_session(self, annotator: str) -> EditSession | None:
        """Take the annotator's file; if another process holds it, offer read-only. The
        annotations are read later, by the annotation screen, so the text shows first."""
        message = self.locked
        if message is None:
            try:
                return self.session_factory(self.folder, annotator, load=False)
            except LockedError as error:
                message = str(error)
            except AnnotateError as error:
                await self.push_screen_wait(ErrorDialog(error.title, str(error)))
                return None
        if not await self.push_screen_wait(LockedDialog(message)):
            return None
        try:
            return self.session_factory(self.folder, annotator, read_only=True, load=False)
        except AnnotateError as error:
            await self.push_screen_wait(ErrorDialog(error.title, str(error)))
            return None

    def _open_main(self, session: EditSession, document: str) -> None:
        try:
            screen = MainScreen(session, document)
        except AnnotateError as error:
            self.push_screen(ErrorDialog(error.title, str(error)), lambda _: self.exit(2))
            return
        self.push_screen(screen)
        if session.loaded:
            self._announce(session)

    def _announce(self, session: EditSession) -> None:
        for warning in session.warnings:
            self.notify(warning, title="Recovered", severity="warning", markup=False)
        if session.read_only:
            self.notify("Opened read-only: another session is editing this file.",
                        severity="warning", markup=False)

    @on(AnnotationsLoaded)
    def annotations_loaded(self, event: AnnotationsLoaded) -> None:
        """Say what reading the annotations recovered; if they cannot be read, release the
        file, say why and leave."""
        session = self.session
        if session is None:
            return
        if event.error is None:
            self._announce(session)
            return
        self.close_session()
        self.push_screen(ErrorDialog(event.title, event.error), lambda _: self.exit(2))

    def progress(self) -> list[DocumentProgress]:
        """Each document with the annotator's reviewed count and its sentence count."""
        rows = []
        for document in self.folder.project.documents:
            try:
                total: int | None = len(self.folder.sentences(document.id))
            except AnnotateError:
                total = None
            reviewed = self.session.reviewed_count(document.id) if self.session else 0
            rows.append(DocumentProgress(document.id, document.title or document.id,
                                         reviewed, total))
        return rows

    @property
    def main(self) -> MainScreen | None:
        """The annotation screen, once it is open."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    # --- saving -------------------------------------------------------------------------------

    def schedule_save(self) -> None:
        """Fold the journal into the TOML file a little after the last change; not while
        another program's version of the file is there (the journal keeps the work)."""
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.session is not None and self.session.changed_on_disk:
            if not self._conflict_seen:
                self.save_in_background()  # it refuses, and the refusal asks what to do
            return
        self._save_timer = self.set_timer(self.save_delay, self.save_in_background)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save_in_background(self, force: bool = False) -> None:
        """Save on a thread so no key waits for the TOML file to be written; ``force``
        replaces a file another program wrote meanwhile."""
        session = self.session
        if session is None:
            return
        try:
            session.save(force=force)
        except SaveConflictError as error:
            self.post_message(SaveFinished(str(error), conflict=True))
            return
        except AnnotateError as error:
            self.post_message(SaveFinished(str(error)))
            return
        self.post_message(SaveFinished())

    @on(SaveFinished)
    def save_finished(self, event: SaveFinished) -> None:
        """Say when a save failed; the changes stay safe in the journal. A file replaced by
        another program is asked about once, in a dialog."""
        if event.conflict and event.error:
            self.ask_about_conflict(event.error)
        elif event.error:
            self.notify(f"{event.error}\nYour changes are kept in the journal.",
                        title="Could not save", severity="error", markup=False)
        else:
            self._conflict_seen = False

    def ask_about_conflict(self, message: str) -> None:
        """Offer to save anyway, save a copy, or quit and reopen; never a second dialog
        over the first. Background saves stop meanwhile, so only the annotator's own "save
        now" asks again."""
        if self._conflict_dialog_open:
            return
        self._conflict_dialog_open = self._conflict_seen = True
        self.push_screen(ConflictDialog(message), self._resolve_conflict)

    def _resolve_conflict(self, choice: str | None) -> None:
        self._conflict_dialog_open = False
        if choice == "force":
            self.save_in_background(force=True)
        elif choice == "copy":
            self.save_conflict_copy()
        elif choice == "quit":
            self.action_quit()

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save_conflict_copy(self) -> None:
        """Write the annotator's work beside the replaced file, on a thread."""
        session = self.session
        if session is None:
            return
        try:
            path = session.save_copy()
        except AnnotateError as error:
            self.post_message(ConflictCopySaved(error=str(error)))
            return
        self.post_message(ConflictCopySaved(str(path)))

    @on(ConflictCopySaved)
    def conflict_copy_saved(self, event: ConflictCopySaved) -> None:
        """Say where the copy went, or why it could not be written."""
        if event.error is not None:
            self.notify(f"{event.error}\nYour changes are kept in the journal.",
                        title="Could not save a copy", severity="error", markup=False)
        else:
            self.notify(f"Your version is saved as {visible(event.path)}. Your changes also "
                        "stay in the journal until you reopen the project.",
                        title="Copy saved", markup=False, timeout=15)

    # --- exporting ----------------------------------------------------------------------------

    def export_path(self, fmt: str) -> Path:
        """Where the palette exports the annotator's claims in ``fmt``."""
        return self.folder.root / EXPORTS_DIR / f"{self.annotator}-claims.{fmt}"

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_claims(self, fmt: str) -> None:
        """Write the annotator's claims, journal included, to the project's exports folder;
        the file is replaced only once the export is complete."""
        from annotate.export import ExportSelection, open_output, plan_export, write_export

        path = self.export_path(fmt)
        try:
            if self.session is not None and self.session.loaded:
                self.session.save()
            path.parent.mkdir(exist_ok=True)
            plan = plan_export(self.folder, ExportSelection(
                annotators=(self.annotator,) if self.annotator else ()))
            with open_output(path) as out:
                count = write_export(out, plan, fmt)
        except SaveConflictError as error:
            # the export reads the saved file; what to do about the other version is asked
            self.post_message(SaveFinished(str(error), conflict=True))
            self.post_message(ExportFinished(error="Not exported: another program replaced "
                                                   "the annotator file. Choose what to do "
                                                   "about it, then export again."))
            return
        except AnnotateError as error:
            self.post_message(ExportFinished(error=str(error)))
            return
        except OSError as error:
            self.post_message(ExportFinished(error=f"{path}: {error.strerror or error}"))
            return
        self.post_message(ExportFinished(str(path), count))

    @on(ExportFinished)
    def export_finished(self, event: ExportFinished) -> None:
        """Say where the export went, or why it failed."""
        if event.error is not None:
            self.notify(event.error, title="Export failed", severity="error", markup=False)
        else:
            self.notify(f"{event.count:,} claims written to {visible(event.path)}",
                        title="Exported", markup=False)

    def close_session(self) -> None:
        """Save and release the annotator file; remember a failure to report after exit."""
        session = self.session
        if session is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            session.close()
        except AnnotateError as error:
            self.quit_problem = (f"{error}\nYour changes are kept in the journal and come back "
                                 "the next time you open the project.")

    # --- keys ---------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys for the annotation screen's open prompt go into it as they are read, in
        order with the screen's keys (priority bindings, also run as they are read)."""
        if (isinstance(event, events.Key) and not event.is_forwarded
                and isinstance(self.screen, MainScreen) and self.screen.take_key(event)):
            return
        await super().on_event(event)

    # --- actions ------------------------------------------------------------------------------

    def action_quit(self) -> None:  # type: ignore[override]
        """Save everything, release the file and leave."""
        self.close_session()
        self.exit(0)

    def action_help(self) -> None:
        """Show every key, the tag definitions and the guidelines."""
        if isinstance(self.screen, HelpScreen):
            return
        main = self.main
        bindings = list(NAVIGATION_BINDINGS)
        if main is not None:
            bindings += main.tag_bindings()
        keys = key_table(bindings, self.get_key_display) + EXTRA_KEYS
        self.push_screen(HelpScreen(self.folder.project, keys))

    def action_open_document(self) -> None:
        """Choose another document of the project."""
        main = self.main
        if main is None:
            return

        def open_chosen(document: str | None) -> None:
            if document is not None:
                try:
                    main.open_document(document)
                except AnnotateError as error:
                    self.show_error(error)

        self.push_screen(DocumentPicker(self.progress(), main.document), open_chosen)

    def show_error(self, error: AnnotateError) -> None:
        """Show an error in a dialog."""
        self.push_screen(ErrorDialog(error.title, str(error)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the annotation screen, titled "Noun: verb"."""
        main = self.main
        if main is not None and screen is main:
            for title, help_text, action in PALETTE_ACTIONS:
                if main.check_action(action, ()):
                    yield SystemCommand(title, help_text,
                                        partial(self.run_action, action, main))
            for tag in self.folder.project.tags:
                if main.check_action("toggle_tag", (tag.id,)):
                    yield SystemCommand(
                        f"Tag: toggle {tag.label}",
                        f"Tag the selection or the sentence as {tag.id} ({tag.key})",
                        partial(self.run_action, f"toggle_tag('{tag.id}')", main))
            if len(self.folder.project.documents) > 1:
                yield SystemCommand("Document: open", "Switch to another document",
                                    self.action_open_document)
            for name, fmt in EXPORT_FORMATS:
                yield SystemCommand(f"Export: {name}",
                                    f"Write your claims to {self.export_path(fmt)}",
                                    partial(self.export_claims, fmt))
            if main.orphans():
                yield SystemCommand("Annotations: orphaned",
                                    "Annotations whose quote the changed document lost",
                                    main.action_show_orphans)
            yield SystemCommand("Annotations: save now",
                                "Fold the journal into the annotator file now",
                                self.save_in_background)
        yield SystemCommand("Help: show keys and tags", "Every key, the tag definitions and "
                            "the guidelines (?)", self.action_help)
        yield SystemCommand("Theme: change", "Choose another colour theme",
                            self.action_change_theme)
        yield SystemCommand("App: quit", "Save everything and quit (q)", self.action_quit)
