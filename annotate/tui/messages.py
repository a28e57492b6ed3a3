"""Messages shared between screens and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SaveFinished(Message):
    """The background save folded the journal into the annotator file (or failed)."""

    error: str | None = None
    """Why the save failed, or None when it succeeded."""


@dataclass
class AnnotationsLoaded(Message):
    """The annotator's file and journal were read in the background (or could not be)."""

    error: str | None = None
    """Why they could not be read, or None when they were."""
    title: str = ""
    """A short title for the error."""


@dataclass
class ExportFinished(Message):
    """The background export wrote its file (or failed)."""

    path: str = ""
    """The file written."""
    count: int = 0
    """How many claims it holds."""
    error: str | None = None
    """Why the export failed, or None when it succeeded."""
