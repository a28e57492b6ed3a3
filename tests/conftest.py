"""Shared fixtures: small project folders built in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.model import Document, SentenceFile
from annotate.projects import init_project
from annotate.storage import ProjectFolder, save_project, sentences_to_toml, sha256_text

DATA = Path(__file__).parent / "data"
"""Broken and sample input files used by the tests."""

PROJECT_ID = "5a3b1e0c9d2f4a61"
"""Project id that the files under tests/data refer to."""

SMALL_TEXT = "Hello world. This is a test of 7 million workers.\nA heading\n"
SMALL_SPANS = [(0, 12), (13, 49), (50, 59)]


def make_project(root: Path, text: str = SMALL_TEXT,
                 spans: list[tuple[int, int]] | None = None,
                 document_id: str = "doc") -> ProjectFolder:
    """A project with one document whose sentence spans are given (not segmented)."""
    folder = init_project(root, "Test project")
    digest = sha256_text(text)
    document = Document(id=document_id, title="Doc", path=f"documents/{document_id}.txt",
                        sha256=digest, sentences=f"sentences/{document_id}.toml",
                        length=len(text))
    (root / document.path).write_bytes(text.encode("utf-8"))
    sentence_file = SentenceFile(document=document_id, sha256=digest, method="annotate-1",
                                 spans=spans if spans is not None else SMALL_SPANS)
    (root / document.sentences).write_text(sentences_to_toml(sentence_file), encoding="utf-8")
    folder.project = folder.project.model_copy(
        update={"id": PROJECT_ID, "documents": [document]})
    save_project(root, folder.project)
    return folder


@pytest.fixture
def small_project(tmp_path: Path) -> ProjectFolder:
    """A project with one short document, three sentences and no annotator files."""
    return make_project(tmp_path / "project")
