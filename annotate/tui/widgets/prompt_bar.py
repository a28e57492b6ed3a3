"""A one-line prompt at the bottom of the screen for search and go-to-sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label


class PromptBar(Horizontal):
    """A label and an input; posts ``Submitted`` with its purpose, or ``Cancelled``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    @dataclass
    class Submitted(Message):
        """The annotator pressed enter in the prompt."""

        purpose: str
        value: str

    class Cancelled(Message):
        """The annotator pressed escape in the prompt."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.purpose = ""

    def compose(self) -> ComposeResult:
        yield Label(Content(""), id="prompt-label")
        yield Input(id="prompt-input", compact=True)

    def ask(self, purpose: str, label: str, placeholder: str = "", value: str = "") -> None:
        """Show the prompt and focus its input."""
        self.purpose = purpose
        self.query_one("#prompt-label", Label).update(Content(label))
        field = self.query_one("#prompt-input", Input)
        field.placeholder = placeholder
        field.value = value
        self.add_class("-open")
        field.focus()

    def close(self) -> None:
        """Hide the prompt."""
        self.remove_class("-open")

    @on(Input.Submitted, "#prompt-input")
    def submit(self, event: Input.Submitted) -> None:
        """Hand the value to the screen."""
        event.stop()
        self.close()
        self.post_message(self.Submitted(self.purpose, event.value))

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.close()
        self.post_message(self.Cancelled())
