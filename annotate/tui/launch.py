"""``annotate open``: resolve project, annotator and document, then run the UI."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from annotate.errors import AnnotateError, LockedError, UsageError
from annotate.textsafe import visible

if TYPE_CHECKING:
    from annotate.tui.app import AnnotateApp

ANNOTATOR_VARIABLE = "ANNOTATE_ANNOTATOR"
"""Environment variable naming the annotator when --annotator is not given."""


def run_tui(args: argparse.Namespace) -> int:
    """Open ``args.project`` for ``args.annotator`` at ``args.document``; return an exit status.

    Problems found before the UI starts (no project, a bad name, an unknown document) are
    raised as ``AnnotateError`` for the command line to print; a held lock is offered as
    read-only inside the UI.
    """
    # Start-up allocates about a million objects (modules, models, 100k sentence spans) and
    # frees almost none, so collecting meanwhile only costs time (~50 ms); what it built then
    # lives as long as the app, so it is frozen out of later collections.
    gc.disable()
    try:
        app = _prepare(args)
    finally:
        gc.enable()
    gc.freeze()
    try:
        status = app.run()
    finally:
        app.close_session()
    if app.quit_problem:
        print(f"annotate: error: {visible(app.quit_problem, keep_breaks=True)}",
              file=sys.stderr)
        return 1
    if isinstance(status, int):
        return status
    return 0 if app.return_code in (None, 0) else int(app.return_code or 1)


def _prepare(args: argparse.Namespace) -> AnnotateApp:
    """Check the arguments, read the project and the document, take the annotator's lock."""
    from annotate.model import annotator_name_problem
    from annotate.session import EditSession
    from annotate.storage import open_project

    folder = open_project(args.project)
    if not folder.project.documents:
        raise UsageError(f"{folder.root}: the project has no documents yet; add one with "
                         f"'annotate add {folder.root} TEXT.txt'")
    annotator: str | None = args.annotator or os.environ.get(ANNOTATOR_VARIABLE) or None
    if annotator is not None:
        problem = annotator_name_problem(annotator)
        if problem:
            raise UsageError(f"cannot use {annotator!r} as the annotator's name: {problem}")
    document: str | None = args.document
    if document is None and len(folder.project.documents) == 1:
        document = folder.project.documents[0].id
    if document is not None:
        folder.require_document(document)
        folder.text(document)
        folder.sentences(document)

    session = None
    locked: str | None = None
    if annotator is not None:
        try:
            # only the lock: the annotations are read after the first screen is drawn
            session = EditSession(folder, annotator, load=False)
        except LockedError as error:
            locked = str(error)

    from annotate.tui.app import AnnotateApp

    return AnnotateApp(folder, annotator=annotator, document=document, session=session,
                       locked=locked)


__all__ = ["AnnotateError", "run_tui"]
