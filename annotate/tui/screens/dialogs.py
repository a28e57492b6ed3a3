"""Small dialogs: an error, a locked file, the annotator's name."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Button, Input, Label, Static

from annotate.model import annotator_name_problem
from annotate.textsafe import visible


class ErrorDialog(ModalScreen[None]):
    """An error the annotator can act on, with its title; enter or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", id="dialog.close"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -error"):
            yield Static(Content.assemble((visible(self.title_text), Style(bold=True))),
                         markup=False, classes="dialog-title")
            yield Static(Content(visible(self.message, keep_breaks=True)), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("OK"), variant="primary", id="ok")

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def ok(self) -> None:
        """The OK button."""
        self.dismiss(None)


class LockedDialog(ModalScreen[bool]):
    """Another process holds the annotator file: open it read-only (True) or quit (False)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "read_only", "Open read-only", id="locked.read_only"),
        Binding("q,escape", "quit_app", "Quit", id="locked.quit"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -warning"):
            yield Static(Content.assemble(("This annotator file is already open",
                                           Style(bold=True))), markup=False,
                         classes="dialog-title")
            yield Static(Content(visible(self.message, keep_breaks=True)), markup=False)
            yield Static(Content("You can look at it read-only (no changes can be made), or "
                                 "quit and close the other session first."), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Open read-only (r)"), variant="warning", id="read-only")
                yield Button(Content("Quit (q)"), id="quit")

    def action_read_only(self) -> None:
        """Open read-only."""
        self.dismiss(True)

    def action_quit_app(self) -> None:
        """Quit without opening."""
        self.dismiss(False)

    @on(Button.Pressed, "#read-only")
    def read_only_pressed(self) -> None:
        """The read-only button."""
        self.dismiss(True)

    @on(Button.Pressed, "#quit")
    def quit_pressed(self) -> None:
        """The quit button."""
        self.dismiss(False)


class AnnotatorPrompt(ModalScreen[str | None]):
    """Ask once for the annotator's name; it must be usable as a file name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Quit", id="annotator.cancel"),
    ]

    def __init__(self, known: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.assemble(("Who is annotating?", Style(bold=True))),
                         markup=False, classes="dialog-title")
            hint = ("Your name names your annotation file. Set ANNOTATE_ANNOTATOR or pass "
                    "--annotator to skip this question.")
            if self.known:
                hint += " Annotators so far: " + ", ".join(visible(k) for k in self.known)
            yield Static(Content(hint), markup=False)
            yield Input(placeholder="e.g. maria", id="name")
            yield Label(Content(""), id="name-problem", classes="field-error")

    @on(Input.Submitted, "#name")
    def submit(self, event: Input.Submitted) -> None:
        """Accept a safe name; say why any other is refused."""
        name = event.value.strip()
        problem = annotator_name_problem(name)
        label = self.query_one("#name-problem", Label)
        if problem:
            label.update(Content(f"Cannot use this name: {problem}"))
            label.add_class("-shown")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Quit without a name."""
        self.dismiss(None)
