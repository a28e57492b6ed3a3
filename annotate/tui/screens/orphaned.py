"""The document's orphaned annotations: kept, listed, never drawn on the text."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Footer, Static

from annotate.model import Annotation, Project
from annotate.tui.colors import SWATCH
from annotate.tui.widgets.side_panel import QUOTE_LIMIT, short


def orphans_content(project: Project, colors: dict[str, Color],
                    orphans: list[Annotation]) -> Content:
    """Each orphan's tag, quote in its old context, note and old offsets, as Content."""
    dim = Style(dim=True)
    lines = [Content.assemble((f"Orphaned annotations ({len(orphans):,})",
                               Style(bold=True, underline=True))),
             Content("The document changed and these quotes were not found in it again, so "
                     "they are kept but shown nowhere in the text; 'annotate reanchor' looks "
                     "for them again.")]
    for annotation in orphans:
        tag = project.tag(annotation.tag)
        name = tag.label if tag else annotation.tag
        lines += [Content(""), Content.assemble(
            (SWATCH, Style(foreground=colors.get(annotation.tag, Color(128, 128, 128)))), " ",
            (short(name, QUOTE_LIMIT), Style(bold=True)),
            (f" / {short(annotation.subtype, QUOTE_LIMIT)}" if annotation.subtype else "",
             Style(italic=True)),
            (f"  was at {annotation.start:,}-{annotation.end:,}  id {short(annotation.id, 40)}",
             dim))]
        lines.append(Content.assemble(
            "  ", ("…" + short(annotation.prefix, 32), dim),
            "“" + short(annotation.quote, QUOTE_LIMIT) + "”",
            (short(annotation.suffix, 32) + "…", dim)))
        if annotation.note:
            lines.append(Content.assemble("  ", ("note: ", dim),
                                          short(annotation.note, QUOTE_LIMIT)))
    return Content("\n").join(lines)


class OrphanedScreen(Screen[None]):
    """The orphaned annotations of the open document; escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="orphans.close"),
        Binding("j,down", "scroll('down')", "Scroll down", id="orphans.down", show=False),
        Binding("k,up", "scroll('up')", "Scroll up", id="orphans.up", show=False),
    ]

    def __init__(self, project: Project, colors: dict[str, Color],
                 orphans: list[Annotation]) -> None:
        super().__init__()
        self.project = project
        self.tag_colors = colors
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="orphans-body"):
            yield Static(orphans_content(self.project, self.tag_colors, self.orphans),
                         markup=False)
        yield Footer()

    def action_close(self) -> None:
        """Back to the document."""
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        """Scroll the list."""
        body = self.query_one("#orphans-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
