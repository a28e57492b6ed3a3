"""The document view: the current sentence in its paragraph, rendered as a window of lines.

Only the sentences around the current one are laid out, so the cost of a key does not grow
with the length of the document or the number of annotations in it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Protocol

from rich.segment import Segment
from textual.color import Color
from textual.content import Content, Span
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from annotate.model import Annotation
from annotate.tui.display import OffsetMap, wrap

GUTTER = 2
"""Cells left of the text: a bar marks the lines of the current sentence."""

REVIEWED_MARK = "✓"
"""Shown after each sentence the annotator marked reviewed."""

MAX_CONTEXT_SENTENCES = 200
"""At most this many sentences are laid out on each side of the current one."""

LINE_CACHE_SIZE = 2000
"""Rendered screen lines kept for reuse; a key usually changes only a few of them."""

HUGE_SENTENCE = 20_000
"""A sentence longer than this many characters is shown in part: its start, its end, and the
stretch around the word cursor, with the length of each part left out in between."""

SHOWN_EDGE = 3_000
"""Characters shown at the start and at the end of a huge sentence."""

FOCUS_BLOCK = 3_000
"""The stretch shown around the cursor in a huge sentence moves in blocks of this many
characters, so moving word by word lays it out again only when the cursor changes block."""

_WindowText = tuple[OffsetMap, str, list[int], list[tuple[int, int]]]
"""A window's offset map, display text, review mark positions and wrapped line ranges."""


class ViewSource(Protocol):
    """What the view reads: the document's sentences, review marks and annotations."""

    def is_reviewed(self, sentence: int) -> bool:
        """Whether the sentence is marked reviewed."""

    def annotations_between(self, start: int, end: int) -> list[Annotation]:
        """Annotations overlapping [start, end) of the document."""

    def tag_color(self, tag_id: str) -> Color:
        """The colour a tag is drawn in."""


@dataclass(frozen=True)
class ViewState:
    """Where the annotator is: the sentence, the word cursor, the selection, the focus."""

    sentence: int = 0
    cursor: tuple[int, int] | None = None
    """Document span of the word under the cursor."""
    selection: tuple[int, int] | None = None
    """Document span of the selection (already trimmed), if there is one."""
    focused: str | None = None
    """Id of the annotation tab has selected."""
    match: tuple[int, int] | None = None
    """Document span of the search match to show."""


@dataclass(frozen=True)
class Palette:
    """Colours of the view, taken from the app's theme."""

    background: Color
    text: Color
    muted: Color
    current: Color
    accent: Color
    selection: Color
    match: Color
    reviewed: Color


class SentenceView(Widget):
    """A read-only view of the document around the current sentence."""

    DEFAULT_CSS = """
    SentenceView { height: 1fr; width: 1fr; }
    """

    def __init__(self, text: str, sentences: list[tuple[int, int]], source: ViewSource, *,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._text = text
        self._sentences = sentences
        self._source = source
        self._state = ViewState()
        self._strips: list[Strip] | None = None
        self._built_for: Size | None = None
        self._window_cache: tuple[tuple[object, ...], _WindowText] | None = None
        self._line_cache: dict[tuple[object, ...], Strip] = {}

    @property
    def state(self) -> ViewState:
        """What the view shows now."""
        return self._state

    def set_document(self, text: str, sentences: list[tuple[int, int]]) -> None:
        """Show another document."""
        self._text, self._sentences = text, sentences
        self._state = ViewState()
        self._strips = None
        self._window_cache = None
        self.refresh()

    def show(self, state: ViewState, *, changed: bool = False) -> None:
        """Show a new position; ``changed`` when annotations or review marks changed.

        The lines are laid out at once and only the screen lines that differ are repainted,
        so a key that changes one sentence redraws a few lines, not the whole view.
        """
        if state == self._state and not changed:
            return
        self._state = state
        size = self.size
        old = self._strips
        if old is None or self._built_for != size or not self.is_mounted:
            self._strips = None
            self.refresh()
            return
        new = self._layout(size.width, size.height)
        self._strips = new
        dirty = [Region(0, y, size.width, 1) for y in range(max(len(old), len(new)))
                 if y >= len(old) or y >= len(new) or old[y] != new[y]]
        if dirty:
            self.refresh(*dirty)

    def notify_style_update(self) -> None:
        """Theme changes recolour the text."""
        super().notify_style_update()
        self._strips = None
        self._line_cache.clear()

    def render_line(self, y: int) -> Strip:
        """One screen line of the laid-out window."""
        size = self.size
        if self._strips is None or self._built_for != size:
            self._strips = self._layout(size.width, size.height)
            self._built_for = size
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(size.width, self.rich_style)

    # --- layout -------------------------------------------------------------------------------

    def _palette(self) -> Palette:
        variables = self.app.theme_variables
        background = self.visual_style.background or Color.parse(variables["background"])

        def color(name: str, fallback: str) -> Color:
            return Color.parse(variables.get(name, fallback))

        text = self.visual_style.foreground or color("foreground", "#e0e0e0")
        accent = color("accent", "#ffa62b")
        return Palette(
            background=background,
            text=text,
            muted=background.blend(text, 0.55),
            current=background.blend(color("primary", "#0178d4"), 0.22),
            accent=accent,
            selection=color("primary", "#0178d4"),
            match=color("warning", "#ffa62b"),
            reviewed=color("success", "#4ebf71"),
        )

    def _window(self, budget: int) -> tuple[int, int]:
        """First and last sentence to lay out: enough text to fill the screen either side."""
        sentences = self._sentences
        current = self._state.sentence
        first = last = current
        used = 0
        while first > 0 and used < budget and current - first < MAX_CONTEXT_SENTENCES:
            first -= 1
            used += sentences[first + 1][0] - sentences[first][0]
        used = 0
        while (last < len(sentences) - 1 and used < budget
               and last - current < MAX_CONTEXT_SENTENCES):
            last += 1
            used += sentences[last][1] - sentences[last - 1][1]
        return first, last

    def _layout(self, width: int, height: int) -> list[Strip]:
        if not self._sentences or width <= GUTTER or height <= 0:
            return []
        state = self._state
        palette = self._palette()
        text_width = width - GUTTER
        first, last = self._window(text_width * height)
        sentences = self._sentences
        window_start, window_end = sentences[first][0], sentences[last][1]

        offsets, shown, marks, line_ranges = self._window_text(first, last, text_width)

        current_start, current_end = sentences[state.sentence]
        current_span = (offsets.start(current_start), offsets.end(current_end))
        spans = [
            Span(0, len(shown), Style(foreground=palette.muted)),
            Span(*current_span, Style(foreground=palette.text, background=palette.current)),
        ]
        spans.extend(Span(m, m + len(REVIEWED_MARK), Style(foreground=palette.reviewed))
                     for m in marks)
        spans.extend(self._annotation_spans(offsets, window_start, window_end, palette))

        def add(span: tuple[int, int] | None, style: Style) -> None:
            if span is None:
                return
            start, end = max(span[0], window_start), min(span[1], window_end)
            if start < end:
                spans.append(Span(offsets.start(start), offsets.end(end), style))

        add(state.match, Style(background=palette.match, foreground=Color(0, 0, 0)))
        add(state.selection, Style(background=palette.selection,
                                   foreground=palette.selection.get_contrast_text(), bold=True))
        if state.cursor is not None:
            cursor_style = (Style(underline=True, bold=True) if state.selection
                            else Style(reverse=True))
            add(state.cursor, cursor_style)

        top = self._top_line(line_ranges, current_span, offsets, height)
        base = self.visual_style
        plain = base.rich_style
        bar_style = Style(foreground=palette.accent).rich_style
        bar = Strip([Segment("▌" + " " * (GUTTER - 1), bar_style)], GUTTER)
        no_bar = Strip.blank(GUTTER, plain)
        cache = self._line_cache
        if len(cache) > LINE_CACHE_SIZE:
            cache.clear()
        strips: list[Strip] = []
        for line_start, line_end in line_ranges[top:top + height]:
            in_current = (line_start < current_span[1] and line_end > current_span[0]) or (
                line_start == line_end == current_span[0])
            # the spans as slicing the whole Content would give them, in the same order
            line_spans = tuple(
                Span(max(span.start, line_start) - line_start,
                     min(span.end, line_end) - line_start, span.style)
                for span in spans if span.start < line_end and span.end > line_start)
            key = (shown[line_start:line_end], line_spans, in_current, text_width)
            strip = cache.get(key)
            if strip is None:
                line = Strip(Content(key[0], list(line_spans), strip_control_codes=False)
                             .render_segments(base))
                strip = cache[key] = Strip.join([bar if in_current else no_bar,
                                                 line.crop_extend(0, text_width, plain)])
            strips.append(strip)
        return strips

    def _window_text(self, first: int, last: int, text_width: int) -> _WindowText:
        """The sentences first..last as displayed, with review marks, wrapped to the width;
        the same window is reused while only annotations or the position change."""
        reviewed = tuple(self._source.is_reviewed(index) for index in range(first, last + 1))
        sentences = self._sentences
        shown = {index: self._shown_parts(*sentences[index])
                 for index in range(first, last + 1)
                 if sentences[index][1] - sentences[index][0] > HUGE_SENTENCE}
        key = (first, last, text_width, reviewed, tuple(shown.items()))
        if self._window_cache is not None and self._window_cache[0] == key:
            return self._window_cache[1]
        offsets = OffsetMap()
        marks: list[int] = []
        previous_end = sentences[first][0]
        for index in range(first, last + 1):
            start, end = sentences[index]
            if start > previous_end:
                offsets.add(previous_end, self._text[previous_end:start])
            shown_end = start
            for part_start, part_end in shown.get(index, [(start, end)]):
                if part_start > shown_end:
                    offsets.add_marker(f" … {part_start - shown_end:,} more characters … ")
                offsets.add(part_start, self._text[part_start:part_end])
                shown_end = part_end
            if reviewed[index - first]:
                marks.append(offsets.display_length)
                offsets.add_marker(REVIEWED_MARK)
            previous_end = end
        text = offsets.text
        window = (offsets, text, marks, wrap(text, text_width))
        self._window_cache = (key, window)
        return window

    def _shown_parts(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of the huge sentence [start, end) to lay out: its start, its end and
        the block around the word cursor (or the selection), merged, in text order."""
        parts = [(start, start + SHOWN_EDGE), (end - SHOWN_EDGE, end)]
        focus = self._state.cursor or self._state.selection
        if focus is not None and start <= focus[0] < end:
            block = (focus[0] - start) // FOCUS_BLOCK
            parts.append((start + max(0, block - 1) * FOCUS_BLOCK,
                          min(end, start + (block + 2) * FOCUS_BLOCK)))
        merged: list[tuple[int, int]] = []
        for part_start, part_end in sorted(parts):
            if merged and part_start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], part_end))
            else:
                merged.append((part_start, part_end))
        return merged

    def _annotation_spans(self, offsets: OffsetMap, window_start: int, window_end: int,
                          palette: Palette) -> list[Span]:
        spans: list[Span] = []
        focused_span: Span | None = None
        annotations = sorted(self._source.annotations_between(window_start, window_end),
                             key=lambda a: (a.start, -a.end))
        for annotation in annotations:
            start = max(annotation.start, window_start)
            end = min(annotation.end, window_end)
            if start >= end:
                continue
            color = self._source.tag_color(annotation.tag)
            display = (offsets.start(start), offsets.end(end))
            if annotation.id == self._state.focused:
                focused_span = Span(*display, Style(background=color,
                                                    foreground=color.get_contrast_text(),
                                                    bold=True))
            else:
                spans.append(Span(*display, Style(background=palette.background.blend(
                    color, 0.45), underline=True)))
        if focused_span is not None:
            spans.append(focused_span)
        return spans

    def _top_line(self, lines: list[tuple[int, int]], current: tuple[int, int],
                  offsets: OffsetMap, height: int) -> int:
        """First line to show: the current sentence a third of the way down, and the cursor
        always on screen even in a sentence taller than the view."""
        first_line = _line_of(lines, current[0])
        last_line = _line_of(lines, max(current[1] - 1, current[0]))
        top = max(0, first_line - height // 3)
        if last_line - top >= height:
            top = max(0, min(first_line, last_line - height + 1))
        focus = self._state.cursor or self._state.selection
        if focus is not None:
            cursor_line = _line_of(lines, offsets.start(focus[0]))
            if cursor_line >= top + height:
                top = cursor_line - height + 1
            elif cursor_line < top:
                top = cursor_line
        return top


def _line_of(lines: list[tuple[int, int]], offset: int) -> int:
    """Index of the screen line holding display ``offset``."""
    starts = [start for start, _ in lines]
    return max(0, bisect_right(starts, offset) - 1)
