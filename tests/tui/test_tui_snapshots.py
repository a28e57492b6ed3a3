"""How the screens look: the main screen, the editor, help, and a 60x20 terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotate.session import EditSession
from annotate.storage import ProjectFolder
from annotate.tui.app import AnnotateApp

SnapCompare = Callable[..., bool]


def snapshot_app(folder: ProjectFolder) -> AnnotateApp:
    """An app whose saves never land mid-snapshot (the header would flip to "saved")."""
    session = EditSession(folder, "maria")
    return AnnotateApp(folder, annotator="maria", document="doc", session=session,
                       save_delay=3600)


class TestSnapshots:
    def test_main_screen(self, folder: ProjectFolder, snap_compare: Any) -> None:
        """Spans coloured by tag, a review mark, the selection and the side panel at 100x30."""
        app = snapshot_app(folder)
        try:
            assert snap_compare(app, terminal_size=(100, 30), press=[
                "j", "l", "l", "L", "L", "L", "2", "4", "space", "k", "l", "shift+right"])
        finally:
            app.close_session()

    def test_editor(self, folder: ProjectFolder, snap_compare: Any) -> None:
        """The editor shows the tag's description, subtype picker, attributes and note."""
        app = snapshot_app(folder)
        try:
            assert snap_compare(app, terminal_size=(100, 30), press=["j", "2", "enter"])
        finally:
            app.close_session()

    def test_help(self, folder: ProjectFolder, snap_compare: Any) -> None:
        """Help lists the keys first."""
        app = snapshot_app(folder)
        try:
            assert snap_compare(app, terminal_size=(100, 30), press=["question_mark"])
        finally:
            app.close_session()

    def test_small_terminal(self, folder: ProjectFolder, snap_compare: Any) -> None:
        """At 60x20 the panel moves under the text and the markup-like sentence is verbatim."""
        app = snapshot_app(folder)
        try:
            assert snap_compare(app, terminal_size=(60, 20), press=["j", "j", "3"])
        finally:
            app.close_session()
