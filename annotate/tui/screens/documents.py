"""The document picker: each document of the project with the annotator's progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotate.textsafe import visible


@dataclass(frozen=True)
class DocumentProgress:
    """One row of the picker."""

    id: str
    title: str
    reviewed: int
    total: int | None
    """Sentence count, or None when the sentence file could not be read."""


class DocumentPicker(ModalScreen[str | None]):
    """Choose a document; returns its id, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="documents.cancel"),
    ]

    def __init__(self, documents: list[DocumentProgress], current: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.documents = documents
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(Content.assemble(("Choose a document", Style(bold=True))),
                         markup=False, classes="dialog-title")
            options = []
            for row in self.documents:
                if row.total is None:
                    progress = "cannot read its sentences"
                else:
                    percent = f"{100 * row.reviewed / row.total:.0f}%" if row.total else "-"
                    progress = f"{row.reviewed:,}/{row.total:,} reviewed ({percent})"
                options.append(Option(Content.assemble(
                    (visible(row.title), Style(bold=True)), "  ",
                    (visible(row.id), Style(dim=True)), "  ", progress), id=row.id))
            yield OptionList(*options, id="documents")

    def on_mount(self) -> None:
        """Highlight the current document."""
        documents = self.query_one("#documents", OptionList)
        if self.current is not None:
            index = next((i for i, row in enumerate(self.documents)
                          if row.id == self.current), 0)
            documents.highlighted = index
        documents.focus()

    @on(OptionList.OptionSelected, "#documents")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen document."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
