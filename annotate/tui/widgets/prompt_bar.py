"""A one-line prompt at the bottom of the screen for search and go-to-sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

_EDITING_KEYS: dict[str, Callable[[Input], None]] = {
    "backspace": Input.action_delete_left,
    "delete": Input.action_delete_right,
    "left": Input.action_cursor_left,
    "right": Input.action_cursor_right,
    "home": Input.action_home,
    "end": Input.action_end,
    "ctrl+u": Input.action_delete_left_all,
    "ctrl+w": Input.action_delete_left_word,
}
"""Keys that edit the prompt's text besides the printable ones."""


class PromptBar(Horizontal):
    """A label and an input; posts ``Submitted`` with its purpose, or ``Cancelled``.

    The screen passes keys in with ``take_key`` as the app reads them, so keys typed right
    after the one that opened the prompt land in it however fast they come.
    """

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

    @property
    def is_open(self) -> bool:
        """Whether the prompt is shown and takes the keys."""
        return self.has_class("-open")

    @property
    def field(self) -> Input:
        """The input holding the text."""
        return self.query_one("#prompt-input", Input)

    def ask(self, purpose: str, label: str, placeholder: str = "", value: str = "") -> None:
        """Show the prompt and focus its input (all of ``value`` selected, so typing
        replaces it)."""
        self.purpose = purpose
        self.query_one("#prompt-label", Label).update(Content(label))
        field = self.field
        field.placeholder = placeholder
        field.value = value
        field.action_select_all()
        self.add_class("-open")
        # at once, not after a refresh as focus() does, so the cursor shows with the prompt
        self.screen.set_focus(field, scroll_visible=False)

    def close(self) -> None:
        """Hide the prompt and take the focus off its input, so no key goes to it hidden."""
        self.remove_class("-open")
        if self.screen.focused is self.field:
            self.screen.set_focus(None)

    def take_key(self, key: str, character: str | None) -> Submitted | Cancelled | None:
        """Apply one key to the open prompt; enter and escape close it and return what the
        screen has to act on before it reads the next key."""
        field = self.field
        if key == "enter":
            self.close()
            return self.Submitted(self.purpose, field.value)
        if key == "escape":
            self.close()
            return self.Cancelled()
        edit = _EDITING_KEYS.get(key)
        if edit is not None:
            edit(field)
        elif character is not None and character.isprintable():
            selection = field.selection
            if selection.is_empty:
                field.insert_text_at_cursor(character)
            else:
                field.replace(character, *sorted(selection))
        return None

    def set_value(self, value: str) -> None:
        """Put ``value`` in the open prompt, the cursor after it."""
        field = self.field
        field.value = value
        field.cursor_position = len(value)

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
