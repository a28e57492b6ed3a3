"""Help: every key, then the project's tags with their definitions, rules and guidelines."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Footer, Static

from annotate.model import Project
from annotate.textsafe import visible
from annotate.tui.colors import SWATCH, tag_colors

EXTRA_KEYS = [
    ("ctrl+p", "Command palette: every action by name"),
    ("?", "This help"),
    ("q", "Quit (everything is saved)"),
]
"""Keys the app handles outside the annotation screen's bindings."""


def key_table(bindings: list[BindingType], describe_key: object) -> list[tuple[str, str]]:
    """(keys, description) for each action, keys of one action joined by " / "."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        display = describe_key(binding) if callable(describe_key) else binding.key
        description = binding.tooltip or binding.description
        keys, _ = rows.setdefault(binding.action, ([], description))
        if display not in keys:
            keys.append(str(display))
    return [(" / ".join(keys), description) for keys, description in rows.values()]


def help_content(project: Project, keys: list[tuple[str, str]]) -> Content:
    """The whole help text, built as Content so nothing from the project is read as markup."""
    bold = Style(bold=True)
    dim = Style(dim=True)
    heading = Style(bold=True, underline=True)
    colors = tag_colors(project)
    width = max((len(k) for k, _ in keys), default=8) + 2
    lines: list[Content] = [Content.assemble(("Keys", heading)), Content("")]
    lines += [Content.assemble((k.ljust(width), bold), d) for k, d in keys]
    lines += [Content(""), Content.assemble(("Selecting a span", heading)),
              Content("The word cursor (h/l or ←/→) moves inside the current sentence. "
                      "Shift+h/l or shift+←/→ select word by word (the first press selects the "
                      "word under the cursor); ( and ) extend the selection by clause. "
                      "Punctuation at the edges is trimmed. A tag key then tags the selection; "
                      "with no selection it tags the whole sentence. Escape clears."),
              Content("")]
    lines.append(Content.assemble(("Tags", heading)))
    for tag in project.tags:
        lines += [Content(""), Content.assemble(
            (SWATCH, Style(foreground=colors[tag.id])), " ",
            (f"{visible(tag.key)}  {visible(tag.label)}", bold), ("  " + tag.id, dim))]
        if tag.description:
            lines.append(Content(visible(tag.description, keep_breaks=True)))
        if tag.rules:
            lines.append(Content.assemble(("Decision rules: ", bold),
                                          visible(tag.rules, keep_breaks=True)))
        for subtype in tag.subtypes:
            lines.append(Content.assemble("  • ", (subtype.id, Style(italic=True)),
                                          f"  {visible(subtype.description)}"))
        if tag.attributes:
            names = ", ".join(
                f"{a.id} ({a.type}: {' | '.join(a.options)})" if a.options
                else f"{a.id} ({a.type})" for a in tag.attributes)
            lines.append(Content.assemble(("Attributes: ", bold), visible(names)))
    if project.guidelines:
        lines += [Content(""), Content.assemble(("Guidelines", heading)),
                  Content(visible(project.guidelines, keep_breaks=True))]
    return Content("\n").join(lines)


class HelpScreen(Screen[None]):
    """Keys, tags and guidelines; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", id="help.down", show=False),
        Binding("k,up", "scroll('up')", "Scroll up", id="help.up", show=False),
    ]

    def __init__(self, project: Project, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.project = project
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_content(self.project, self.keys), markup=False, id="help-text")
        yield Footer()

    def action_close(self) -> None:
        """Back to the document."""
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        """Scroll the help text."""
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
