"""Fixtures for the UI tests: a small project with awkward text, and apps over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from annotate.session import EditSession
from annotate.storage import ProjectFolder, load_annotator_file, open_project
from annotate.tui.app import AnnotateApp
from tests.conftest import make_project

SENTENCES = [
    ("The plan, which was bold; failed — badly.", " "),
    ("More than 8.3 million workers joined the heroic effort.", " "),
    ("Markup [/bold] and [b]bold[/b] stays [link=http://x]literal[/link] here.", " "),
    ("Clicking [@click=app.quit]quit[/] must do nothing.", "\n\n"),
    ("Escapes \x1b[31mred\x1b[0m and a bell \x07 are shown.", " "),
    ("中文的句子很长，宽字符也要对齐。", " "),
    ("Emoji 👍🏽 and \"quoted words,\" he said.", "\n\n"),
    ("Stalin pointed out that the plan was fulfilled.", " "),
    ("A last plain sentence.", "\n"),
]
"""(sentence, separator after it): markup-like strings, control characters, wide text."""


def sentence_text() -> tuple[str, list[tuple[int, int]]]:
    """The document text and its sentence spans."""
    text, spans = "", []
    for sentence, separator in SENTENCES:
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + separator
    return text, spans


@pytest.fixture(autouse=True)
def _frozen_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors never blink, so snapshots are stable."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """A project with one document of awkward sentences."""
    text, spans = sentence_text()
    return make_project(tmp_path / "project", text, spans)


AppFactory = Callable[..., AnnotateApp]


@pytest.fixture
def make_app(folder: ProjectFolder) -> Iterator[AppFactory]:
    """Build apps for maria over ``folder``; their sessions are closed after the test."""
    apps: list[AnnotateApp] = []

    def build(*, read_only: bool = False, annotator: str | None = "maria",
              document: str | None = "doc", target: ProjectFolder | None = None,
              **kwargs: object) -> AnnotateApp:
        project = target or folder
        session = (EditSession(project, annotator, read_only=read_only)
                   if annotator is not None else None)
        app = AnnotateApp(project, annotator=annotator, document=document, session=session,
                          save_delay=0.05, **kwargs)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close_session()


def saved(folder: ProjectFolder, annotator: str = "maria") -> dict[str, object]:
    """The annotator file as written on disk, reread from scratch."""
    path = open_project(folder.root).annotator_path(annotator)
    return load_annotator_file(path).model_dump()
