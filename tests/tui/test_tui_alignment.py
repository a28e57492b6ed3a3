"""Span colouring stays on the span's characters whatever the script: Cyrillic, CJK, emoji
with joiners, combining marks, right-to-left text, markup-like and escape strings, in a
document with CRLF line endings."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.session import EditSession
from annotate.tui.app import AnnotateApp
from annotate.tui.display import OffsetMap
from annotate.tui.widgets.sentence_view import SentenceView
from tests.conftest import make_project

SAMPLES = [
    ("Start here.", ""),
    ("Пятилетний план выполнен досрочно, сказал он.", "план выполнен"),
    ("中文的句子很长，宽字符也要对齐。", "宽字符"),
    ("Family 👨‍👩‍👧‍👦 waves 👋🏽 here.", "👨‍👩‍👧‍👦 waves 👋🏽"),
    ("Cafe\u0301 na\u0308ive re\u0301sume\u0301 end.", "na\u0308ive re\u0301sume\u0301"),
    ("Hebrew שלום עולם and Arabic مرحبا بالعالم end.", "שלום עולם and Arabic مرحبا"),
    ("Markup [/bold] and [link=http://x]x[/link] stay.", "[/bold] and [link=http://x]x"),
    ("Click [@click=app.quit]quit[/] nothing.", "[@click=app.quit]quit[/]"),
    ("Escapes \x1b[31mred\x1b[0m and \x07 shown.", "\x1b[31mred\x1b[0m and \x07"),
]
"""(sentence, the span to tag in it); each sentence is a line ending in CRLF."""


@pytest.fixture
def crlf_app(tmp_path: Path) -> AnnotateApp:
    """An app over a CRLF document holding every sample sentence."""
    text, spans = "", []
    for sentence, _ in SAMPLES:
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + "\r\n"
    folder = make_project(tmp_path / "p", text, spans)
    return AnnotateApp(folder, annotator="maria", document="doc",
                       session=EditSession(folder, "maria"), save_delay=3600)


def underlined(view: SentenceView) -> list[str]:
    """The text of each run of underlined cells the view draws, line by line (only
    annotations not focused are drawn underlined)."""
    runs: list[str] = []
    for y in range(view.size.height):
        run = ""
        for segment in view.render_line(y):
            if segment.style is not None and segment.style.underline:
                run += segment.text
            elif run:
                runs.append(run)
                run = ""
        if run:
            runs.append(run)
    return runs


class TestSpanAlignment:
    @pytest.mark.parametrize("size", [(100, 30), (60, 20)])
    async def test_styled_cells_are_exactly_the_span(self, crlf_app: AnnotateApp,
                                                     size: tuple[int, int]) -> None:
        """For each sample, the underlined cells are the tagged span's characters as the
        view shows them (escapes visible), nothing before or after, at either size."""
        app = crlf_app
        session = app.session
        assert session is not None
        text = app.folder.text("doc")
        try:
            async with app.run_test(size=size) as pilot:
                screen = app.main
                assert screen is not None
                view = screen.view
                for index, (sentence, span_text) in enumerate(SAMPLES):
                    if not span_text:
                        continue
                    start = text.index(sentence) + sentence.index(span_text)
                    end = start + len(span_text)
                    added = session.add("doc", start, end, "figure")
                    screen.go(index - 1)  # cursor in the sentence before, not on the span
                    screen._refresh(changed=True)
                    await pilot.pause()
                    shown = OffsetMap()
                    shown.add(start, span_text)
                    assert "".join(underlined(view)).replace("\n", "") == shown.text, sentence
                    for y in range(view.size.height):
                        assert view.render_line(y).cell_length == view.size.width
                    session.delete(added.id)
                await pilot.press("q")
        finally:
            app.close_session()

    def test_crlf_is_not_shown(self) -> None:
        """The CR of a CRLF line break takes no cell; a lone CR is a visible escape."""
        shown = OffsetMap()
        shown.add(0, "a\r\nb\rc")
        assert shown.text == "a\nb\\rc"
        assert (shown.start(3), shown.end(4)) == (2, 3)
