"""The side panel: the tag legend with counts, and the current sentence's annotations."""

from __future__ import annotations

from textual.color import Color
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from annotate.model import Annotation, Project
from annotate.textsafe import visible
from annotate.tui.colors import SWATCH

QUOTE_LIMIT = 160
"""Longest quote shown in the panel, in characters."""


def short(text: str, limit: int) -> str:
    """``text`` on one line, escaped, cut to ``limit`` characters with an ellipsis."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class PanelText(Static):
    """Text whose size never depends on its content, so a redraw needs no new layout."""

    def _show(self, content: Content) -> None:
        if content != self.visual:
            self.update(content, layout=False)


class TagLegend(PanelText):
    """Each tag's key, colour, label and how many annotations of it the document has."""

    def __init__(self, project: Project, colors: dict[str, Color], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(markup=False, id=id, classes=classes)
        self._project = project
        self._colors = colors

    def show_counts(self, counts: dict[str, int] | None, *, compact: bool = False,
                    orphaned: int = 0) -> None:
        """Redraw the legend with these per-tag counts (None: not known yet) and the number
        of orphaned annotations; ``compact`` fits it on one line."""
        entries = []
        for tag in self._project.tags:
            count = "…" if counts is None else str(counts.get(tag.id, 0))
            entries.append(Content.assemble(
                (SWATCH, Style(foreground=self._colors[tag.id])), "" if compact else " ",
                (visible(tag.key), Style(bold=True)), " ",
                visible(tag.id if compact else tag.label), " ", (count, Style(dim=True))))
        if orphaned and not compact:  # the header says it on a narrow terminal
            entries.append(Content.assemble((f"{orphaned:,} orphaned", Style(bold=True)),
                                            (" (ctrl+p: orphaned)", Style(dim=True))))
        if compact:
            self._show(Content(" ").join(entries))
        else:
            self._show(Content("\n").join([Content.assemble(("Tags", Style(bold=True))),
                                           *entries]))


class SentenceAnnotations(PanelText):
    """The current sentence's annotations: tag, subtype, quote and note; focus marked."""

    def __init__(self, project: Project, colors: dict[str, Color], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(markup=False, id=id, classes=classes)
        self._project = project
        self._colors = colors

    def show_annotations(self, annotations: list[Annotation], focused: str | None, *,
                         loading: bool = False) -> None:
        """Redraw the list for this sentence; ``loading`` while the file is being read."""
        if loading:
            self._show(Content("\n").join([
                Content.assemble(("This sentence", Style(bold=True))),
                Content.assemble(("Reading the annotations…", Style(dim=True)))]))
            return
        header = Content.assemble((f"This sentence ({len(annotations)})", Style(bold=True)))
        if not annotations:
            hint = Content.assemble(("No annotations. A tag key tags the sentence, or the "
                                     "selection (shift+arrows).", Style(dim=True)))
            self._show(Content("\n").join([header, hint]))
            return
        lines = [header]
        for annotation in annotations:
            tag = self._project.tag(annotation.tag)
            color = self._colors.get(annotation.tag, Color(128, 128, 128))
            is_focused = annotation.id == focused
            name = tag.label if tag else annotation.tag
            lines.append(Content.assemble(
                ("▶ " if is_focused else "  ", Style(bold=True)),
                (SWATCH, Style(foreground=color)), " ",
                (visible(name), Style(bold=is_focused, reverse=is_focused)),
                (f" / {visible(annotation.subtype)}" if annotation.subtype else "",
                 Style(italic=True))))
            lines.append(Content.assemble("    ", ("“" + short(annotation.quote, QUOTE_LIMIT)
                                                   + "”", Style(dim=not is_focused))))
            for key, value in sorted(annotation.attributes.items()):
                lines.append(Content.assemble("    ", (f"{visible(key)}: ", Style(dim=True)),
                                              short(str(value), QUOTE_LIMIT)))
            if annotation.note:
                lines.append(Content.assemble("    ", ("note: ", Style(dim=True)),
                                              short(annotation.note, QUOTE_LIMIT)))
        self._show(Content("\n").join(lines))
