"""Small dialogs: an error, a locked file, a file changed on disk, the annotator's name."""

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
from textual.widgets.button import ButtonVariant

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


class ConflictDialog(ModalScreen[str | None]):
    """Another program replaced the annotator file: save over it ("force"), save a copy
    ("copy"), quit to reopen ("quit"), or keep editing (None); the journal keeps the work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('force')", "Save anyway", id="conflict.force"),
        Binding("c", "choose('copy')", "Save a copy", id="conflict.copy"),
        Binding("q", "choose('quit')", "Quit and reopen", id="conflict.quit"),
        Binding("escape", "choose('later')", "Keep editing", id="conflict.later"),
    ]

    CHOICES: ClassVar[list[tuple[str, str, ButtonVariant]]] = [
        ("force", "Save anyway (s)", "error"), ("copy", "Save a copy (c)", "primary"),
        ("quit", "Quit and reopen (q)", "default"), ("later", "Keep editing (esc)", "default"),
    ]
    """(choice, button label, button variant)."""

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -warning -wide"):
            yield Static(Content.assemble(("The annotation file changed on disk",
                                           Style(bold=True))), markup=False,
                         classes="dialog-title")
            yield Static(Content(visible(self.message, keep_breaks=True)), markup=False)
            yield Static(Content(
                "Nothing is lost whatever you choose: every change is in the journal, and "
                "quitting never loses it. Until you choose, nothing is saved in the "
                "background."), markup=False, classes="dialog-note")
            with Horizontal(classes="dialog-buttons"):
                for choice, label, variant in self.CHOICES:
                    yield Button(Content(label), variant=variant, id=f"conflict-{choice}")

    def action_choose(self, choice: str) -> None:
        """Close with the annotator's choice ("later" keeps editing)."""
        self.dismiss(None if choice == "later" else choice)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        """Each button is one choice."""
        self.action_choose((event.button.id or "").removeprefix("conflict-"))


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
