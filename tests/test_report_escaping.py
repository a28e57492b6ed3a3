"""Text from files reaches the terminal verbatim in compare, agreement, stats and validate.

Document text, quotes, notes, titles, annotator names and tags are shown as they are written,
never interpreted: no rich markup takes effect and no terminal escape sequence is sent (control
characters are shown as escapes such as ``\\e``). The commands run in a fresh interpreter with
colour forced on, as in a real terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotate.model import Annotation, AnnotatorFile
from annotate.storage import ProjectFolder, save_annotator_file, save_project
from tests.conftest import make_project

ESCAPE = "\x1b[31m"
BOLD = "[bold]x[/bold]"
LINK = "[link=http://x]y[/link]"
TEXT = (f"Plain start. Red {ESCAPE}alert\x1b[0m here. Markup {BOLD} and {LINK} too. "
        "Bell \x07 and a\rreturn.\n")
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def spans(text: str) -> list[tuple[int, int]]:
    """Sentences end at '. '."""
    found, start = [], 0
    while (end := text.find(". ", start)) != -1:
        found.append((start, end + 1))
        start = end + 2
    found.append((start, len(text.rstrip("\n"))))
    return found


def annotation(annotation_id: str, quote: str, tag: str = "quote", **fields: object) -> Annotation:
    start = TEXT.index(quote)
    return Annotation(id=annotation_id, document="doc", start=start, end=start + len(quote),
                      quote=quote, tag=tag, created=WHEN, modified=WHEN, **fields)  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> ProjectFolder:
    """Two annotators disagreeing on every hostile sentence; hostile titles."""
    folder = make_project(tmp_path / "p", TEXT, spans(TEXT))
    folder.project = folder.project.model_copy(update={
        "title": f"Title {ESCAPE}{BOLD}",
        "documents": [folder.project.documents[0].model_copy(update={"title": f"Doc {LINK}"})]})
    save_project(folder.root, folder.project)
    reviewed = {"doc": list(range(len(spans(TEXT))))}
    first = AnnotatorFile(annotator="ann", project=folder.project.id, reviewed=reviewed,
                          annotations=[
        annotation("a1", f"{ESCAPE}alert", note=f"note {ESCAPE} {BOLD} {LINK}"),
        annotation("a2", BOLD), annotation("a3", LINK), annotation("a4", "Bell \x07 and a\r")])
    second = AnnotatorFile(annotator="bob", project=folder.project.id,
                           reviewed=reviewed)
    save_annotator_file(folder.root / "annotations" / "ann.toml", first)
    save_annotator_file(folder.root / "annotations" / "bob.toml", second)
    return folder


def run(*args: str) -> str:
    """stdout and stderr of ``annotate ARGS`` with colour forced on, as in a terminal."""
    result = subprocess.run([sys.executable, "-m", "annotate", *args], capture_output=True,
                            text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "200", "FORCE_COLOR": "1",
                                 "TERM": "xterm-256color"})
    return result.stdout + result.stderr


def assert_verbatim(output: str, *literals: str) -> None:
    """No escape sequence from a file reached the output; markup shows as written."""
    assert ESCAPE not in output and "\x07" not in output and "\r" not in output
    assert "]8;" not in output, "a hyperlink escape was sent"
    for literal in literals:
        assert literal in output, f"{literal!r} not shown verbatim"


class TestCompare:
    def test_sentences_quotes_and_names_are_shown_verbatim(self, folder: ProjectFolder) -> None:
        """compare shows the document's escapes as \\e and markup as text."""
        output = run("compare", "--resamples", "10", str(folder.root / "annotations/ann.toml"),
                     str(folder.root / "annotations/bob.toml"))
        assert_verbatim(output, "\\e[31malert", BOLD, LINK, "Bell \\x07", "a\\rreturn")

    def test_agreement_sends_no_escape(self, folder: ProjectFolder) -> None:
        """agreement over the same project sends nothing from the files to the terminal."""
        assert_verbatim(run("agreement", str(folder.root)), "ann", "bob")


class TestStats:
    def test_titles_are_shown_verbatim(self, folder: ProjectFolder) -> None:
        """stats shows the project and document titles escaped, markup as text."""
        output = run("stats", str(folder.root))
        assert_verbatim(output, "Title \\e[31m" + BOLD, "Doc " + LINK)


class TestValidate:
    def test_problems_quote_file_text_verbatim(self, folder: ProjectFolder) -> None:
        """validate's messages show a hostile name, tag and quote without acting on them."""
        wrong = annotation("e1", BOLD).model_copy(update={
            "tag": f"t{ESCAPE}{LINK}", "quote": f"{ESCAPE}[bold]x[/", "note": LINK})
        save_annotator_file(folder.root / "annotations" / "eve.toml", AnnotatorFile(
            annotator="eve", project=folder.project.id, annotations=[wrong]))
        named = folder.root / "annotations" / "mallory.toml"
        named.write_text(f'schema_version = 1\nannotator = "m\\u001b[31m{BOLD}"\n'
                         f'project = "{folder.project.id}"\n', encoding="utf-8")
        output = run("validate", str(folder.root))
        assert "problems" in output
        assert_verbatim(output, "t\\x1b[31m" + LINK, "\\x1b[31m[bold]x[/", "m\\x1b[31m" + BOLD)
