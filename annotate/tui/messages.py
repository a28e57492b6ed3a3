"""Messages shared between screens and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SaveFinished(Message):
    """The background save folded the journal into the annotator file (or failed)."""

    error: str | None = None
    """Why the save failed, or None when it succeeded."""
    conflict: bool = False
    """The save failed because another program replaced the annotator file."""


@dataclass
class ConflictCopySaved(Message):
    """The annotator's work was written beside a file another program replaced (or not)."""

    path: str = ""
    """The copy written."""
    error: str | None = None
    """Why the copy could not be written, or None when it was."""


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
