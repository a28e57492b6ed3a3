"""Helpers for the session, journal and crash tests: small projects, a clock and id makers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotate.model import Document, SentenceFile
from annotate.projects import init_project
from annotate.storage import ProjectFolder, save_project, sentences_to_toml, sha256_text

ALPHA_TEXT = ("The GDP grew 5% in 2020. Officials said it was \"the best year\". "
              "Nobody knows why. Prices rose by a third. 😀 Emoji lead this one.")
BETA_TEXT = "Second document here. It has three sentences. The last one is short."


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a text after '.', '!' or '?' followed by a space: good enough for test texts."""
    spans = []
    for match in re.finditer(r"\S.*?(?:[.!?](?=\s|$)|$)", text):
        spans.append((match.start(), match.end()))
    return spans


def build_project(root: Path, texts: dict[str, str] | None = None) -> ProjectFolder:
    """A project with the default tag set and the given documents (id -> text)."""
    folder = init_project(root, "Session test")
    documents = []
    for document_id, text in (texts or {"alpha": ALPHA_TEXT, "beta": BETA_TEXT}).items():
        digest = sha256_text(text)
        document = Document(id=document_id, title=document_id,
                            path=f"documents/{document_id}.txt", sha256=digest,
                            sentences=f"sentences/{document_id}.toml", length=len(text))
        (root / document.path).write_bytes(text.encode("utf-8"))
        spans = sentence_spans(text)
        (root / document.sentences).write_text(sentences_to_toml(SentenceFile(
            document=document_id, sha256=digest, method="annotate-1", spans=spans)),
            encoding="utf-8")
        documents.append(document)
    folder.project = folder.project.model_copy(update={"documents": documents})
    save_project(root, folder.project)
    return folder


def ticking_clock(start: datetime | None = None) -> Callable[[], datetime]:
    """A clock that advances one second per call, from 2024-01-01 UTC."""
    moments = itertools.count()
    base = start or datetime(2024, 1, 1, tzinfo=UTC)
    return lambda: base + timedelta(seconds=next(moments))


def counting_ids(prefix: str = "a") -> Callable[[], str]:
    """An id maker giving a1, a2, a3, ..."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"
