"""Orphaned annotations: counted in the legend, listed from the palette, never drawn on the
text with their stale offsets, never dropped."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Static

from annotate.model import Annotation, AnnotatorFile
from annotate.storage import ProjectFolder, save_annotator_file
from annotate.tui.screens.orphaned import OrphanedScreen
from tests.tui.conftest import AppFactory, saved, sentence_text

TEXT, SPANS = sentence_text()
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def annotation(annotation_id: str, start: int, end: int, *, orphaned: bool = False,
               quote: str | None = None) -> Annotation:
    """A figure annotation of maria's on ``doc``."""
    return Annotation(id=annotation_id, document="doc", start=start, end=end,
                      quote=TEXT[start:end] if quote is None else quote, tag="figure",
                      orphaned=orphaned, created=WHEN, modified=WHEN)


def with_orphans(folder: ProjectFolder) -> None:
    """Maria's file: one live annotation in sentence 0, an orphan whose old offsets fall
    in sentence 0 too, and one whose old offsets lie past the end of the text."""
    save_annotator_file(folder.annotator_path("maria"), AnnotatorFile(
        annotator="maria", project=folder.project.id, annotations=[
            annotation("live", 4, 8),
            annotation("stale", 0, 12, orphaned=True, quote="The old plan"),
            annotation("gone", 5000, 5022, orphaned=True, quote="a sentence now deleted"),
        ]))


class TestOrphans:
    async def test_counted_apart_and_never_on_the_text(self, make_app: AppFactory,
                                                       folder: ProjectFolder) -> None:
        """The header and the legend say 2 orphaned; the legend counts only the live figure;
        the sentence and the view see only the live annotation; moving to every sentence
        does not crash."""
        with_orphans(folder)
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.main
            assert screen is not None
            await pilot.pause()
            assert [a.id for a in screen.orphans()] == ["stale", "gone"]
            legend = str(screen.query_one("#legend", Static).visual)
            assert "2 orphaned" in legend
            assert "2 orphaned" in str(screen.query_one("#header", Static).visual)
            assert "figure 1" in legend.replace("Verifiable figure", "figure")
            assert [a.id for a in screen.sentence_annotations()] == ["live"]
            view = screen.view
            assert [a.id for a in view._source.annotations_between(0, len(TEXT) + 10_000)
                    ] == ["live"]
            await pilot.press("tab", "tab")
            assert screen.focused_id == "live"
            for _ in SPANS:
                await pilot.press("j")
            await pilot.press("G", "g", "q")
        kept = {a["id"]: a.get("orphaned", False)
                for a in saved(folder)["annotations"]}  # type: ignore[union-attr]
        assert kept == {"live": False, "stale": True, "gone": True}

    async def test_listed_from_the_palette(self, make_app: AppFactory,
                                           folder: ProjectFolder) -> None:
        """"Annotations: orphaned" opens a screen listing both; escape goes back."""
        with_orphans(folder)
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            main = app.main
            assert main is not None
            (command,) = [c for c in app.get_system_commands(main)
                          if c.title == "Annotations: orphaned"]
            command.callback()
            await pilot.pause()
            assert isinstance(app.screen, OrphanedScreen)
            assert [a.id for a in app.screen.orphans] == ["stale", "gone"]
            await pilot.press("escape")
            assert app.screen is main

    async def test_no_orphans_no_count(self, make_app: AppFactory) -> None:
        """Without orphans the legend says nothing about them and the palette has no entry."""
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            main = app.main
            assert main is not None
            assert "orphaned" not in str(main.query_one("#legend", Static).visual)
            assert all(c.title != "Annotations: orphaned"
                       for c in app.get_system_commands(main))
