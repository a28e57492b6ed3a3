"""The annotation editor: subtype, the tag's typed attributes, and a note."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from annotate.model import Annotation, AttributeDef, AttributeValue, TagDef
from annotate.textsafe import visible
from annotate.tui.colors import SWATCH
from annotate.tui.widgets.side_panel import short


@dataclass(frozen=True)
class EditorResult:
    """What the annotator saved in the editor."""

    subtype: str | None
    attributes: dict[str, AttributeValue]
    note: str


def parse_number(text: str) -> int | float | None:
    """A finite number typed by the annotator (``1,234`` and ``8.3`` allowed); None if not."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() and "." not in cleaned and "e" not in (
        cleaned.lower()) else value


def field_value(definition: AttributeDef, widget: Widget) -> tuple[AttributeValue | None, str]:
    """Read one attribute field: (value or None when empty, problem or "")."""
    if isinstance(widget, Checkbox):
        return (True, "") if widget.value else (None, "")
    if isinstance(widget, Select):
        value = widget.value
        return (value, "") if isinstance(value, str) else (None, "")
    if isinstance(widget, Input):
        raw = widget.value
        if not raw.strip():
            return None, ""
        if definition.type == "number":
            number = parse_number(raw)
            if number is None:
                return None, f"{raw!r} is not a number"
            return number, ""
        return raw, ""
    return None, ""


class AnnotationEditor(ModalScreen[EditorResult | None]):
    """Edit one annotation; ctrl+s saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
    ]

    def __init__(self, annotation: Annotation, tag: TagDef, color: Color) -> None:
        super().__init__()
        self.annotation = annotation
        self.tag = tag
        self.color = color

    def compose(self) -> ComposeResult:
        tag, annotation = self.tag, self.annotation
        with Vertical(id="editor"):
            yield Static(Content.assemble(
                (SWATCH, Style(foreground=self.color)), " ",
                (visible(tag.label), Style(bold=True)), "  ",
                (f"“{short(annotation.quote, 300)}”", Style(italic=True))),
                markup=False, id="editor-title")
            with VerticalScroll(id="editor-form"):
                if tag.description:
                    yield Static(Content(visible(tag.description, keep_breaks=True)),
                                 markup=False, classes="description")
                if tag.subtypes:
                    yield Label(Content("Subtype"), classes="field-label")
                    known = {s.id for s in tag.subtypes}
                    yield Select(
                        [(Content(f"{s.id}  {visible(s.description)}" if s.description
                                  else s.id), s.id) for s in tag.subtypes],
                        value=annotation.subtype if annotation.subtype in known
                        else Select.NULL,
                        prompt="(no subtype)", id="subtype", compact=True)
                for definition in tag.attributes:
                    yield from self._attribute_field(definition)
                yield Label(Content("Note"), classes="field-label")
                yield TextArea(annotation.note, id="note", soft_wrap=True,
                               show_line_numbers=False, compact=True)
            with Horizontal(id="editor-buttons"):
                yield Button(Content("Save (ctrl+s)"), variant="primary", id="save")
                yield Button(Content("Cancel (esc)"), id="cancel")

    def _attribute_field(self, definition: AttributeDef) -> ComposeResult:
        current = self.annotation.attributes.get(definition.id)
        label = definition.label or definition.id
        kind = {"text": "text", "number": "number", "choice": "one of", "bool": "yes/no"}
        yield Label(Content.assemble(visible(label), (f"  ({kind[definition.type]})",
                                                      Style(dim=True))),
                    classes="field-label")
        if definition.description:
            yield Static(Content(visible(definition.description)), markup=False,
                         classes="field-help")
        field_id = f"attr-{definition.id}"
        if definition.type == "bool":
            yield Checkbox(Content(label), value=current is True, id=field_id, compact=True)
        elif definition.type == "choice":
            yield Select([(Content(option), option) for option in definition.options],
                         value=current if current in definition.options else Select.NULL,
                         prompt="(not set)", id=field_id, compact=True)
        else:
            yield Input("" if current is None else str(current), id=field_id, compact=True,
                        placeholder="number" if definition.type == "number" else "")
        yield Label(Content(""), id=f"error-{definition.id}", classes="field-error")

    def on_mount(self) -> None:
        """Start in the first field."""
        fields = self.query("#editor-form Select, #editor-form Input, #editor-form TextArea,"
                            " #editor-form Checkbox")
        if fields:
            fields.first().focus()

    def read(self) -> tuple[EditorResult | None, list[str]]:
        """The form's values, or the problems that stop it being saved."""
        problems: list[str] = []
        attributes: dict[str, AttributeValue] = {}
        for definition in self.tag.attributes:
            widget = self.query_one(f"#attr-{definition.id}", Widget)
            value, problem = field_value(definition, widget)
            if not problem and value is not None:
                problem = definition.value_problem(value) or ""
            error_label = self.query_one(f"#error-{definition.id}", Label)
            error_label.update(Content(problem))
            error_label.set_class(bool(problem), "-shown")
            if problem:
                problems.append(f"{definition.label or definition.id}: {problem}")
            elif value is not None:
                attributes[definition.id] = value
        subtype: str | None = None
        if self.tag.subtypes:
            chosen = self.query_one("#subtype", Select).value
            subtype = chosen if isinstance(chosen, str) else None
        note = self.query_one("#note", TextArea).text
        if problems:
            return None, problems
        return EditorResult(subtype, attributes, note), []

    def action_save(self) -> None:
        """Save if every field is valid; otherwise show what is wrong."""
        result, problems = self.read()
        if result is None:
            self.notify("\n".join(problems), title="Fix these fields first", severity="error",
                        markup=False)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        """The Save button."""
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        """The Cancel button."""
        self.action_cancel()

    @on(Input.Changed)
    def check_number(self, event: Input.Changed) -> None:
        """Say at once when a number field holds something that is not a number."""
        field_id = event.input.id or ""
        if not field_id.startswith("attr-"):
            return
        definition = self.tag.attribute(field_id.removeprefix("attr-"))
        if definition is None or definition.type != "number":
            return
        _, problem = field_value(definition, event.input)
        error_label = self.query_one(f"#error-{definition.id}", Label)
        error_label.update(Content(problem))
        error_label.set_class(bool(problem), "-shown")
