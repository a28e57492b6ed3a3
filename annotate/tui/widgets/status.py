"""The header line (project, document, annotator, progress) and the sentence status line."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from annotate.textsafe import visible


class StatusHeader(Static):
    """Progress (reviewed/total), annotator, project and document, and a read-only warning."""

    def show(self, *, project: str, document: str, annotator: str, reviewed: int, total: int,
             read_only: bool, loading: bool = False, orphaned: int = 0) -> None:
        """Redraw the header; while ``loading`` the progress is not known yet; ``orphaned``
        annotations lost their place in the changed document."""
        percent = f"{100 * reviewed / total:.0f}%" if total else "-"
        progress = (("loading annotations…", Style(italic=True)) if loading else
                    (f"{reviewed:,}/{total:,} reviewed ({percent})", Style(bold=True)))
        # progress first: on a narrow terminal the long titles are what gets cut off
        parts: list[str | tuple[str, str | Style]] = [progress, " · "]
        if orphaned:
            parts += [(f"{orphaned:,} orphaned", Style(bold=True)), " · "]
        parts += [
            (visible(annotator), Style(italic=True)), " · ",
            (visible(project), Style(bold=True)), " · ", visible(document),
        ]
        if read_only:
            parts += ["  ", (" READ-ONLY ", Style(reverse=True, bold=True))]
        self.update(Content.assemble(*parts), layout=False)


class StatusLine(Static):
    """Where the cursor is: sentence number, review mark, selection, search."""

    def show(self, *, sentence: int, total: int, reviewed: bool | None, detail: str) -> None:
        """Redraw the status line; ``reviewed`` is None while the marks are being read."""
        mark = (("…", Style(dim=True)) if reviewed is None else
                ("✓ reviewed", Style(bold=True)) if reviewed else
                ("not reviewed", Style(dim=True)))
        self.update(Content.assemble(
            (f"Sentence {sentence + 1:,}/{total:,}", Style(bold=True)), "  ", mark,
            "  ", visible(detail)), layout=False)
