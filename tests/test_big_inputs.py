"""Big inputs on the command line: a long document and a 1 MB line open quickly or are refused.

The suite runs a CI-sized case (an ~8 MB document, a 1 MB line of prose and a 1 MB line with
no space or full stop, two annotators); ``bench/big_inputs.py`` runs the same commands on a
50 MB document and prints their times. Each command runs as a user would run it, in a fresh
interpreter, and must finish well inside its time bound.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotate.model import Annotation, AnnotatorFile
from annotate.projects import MAX_DOCUMENT_BYTES
from annotate.storage import open_project, save_annotator_file

pytestmark = pytest.mark.big

WORDS = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with",
         "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but",
         "output", "grew", "plan", "tons", "1925", "factory"]
WHEN = datetime(2024, 1, 1, tzinfo=UTC)
BOUND = 90.0
"""Seconds any one command may take in the suite (they take a few on a laptop)."""


def prose(size: int, seed: int, *, paragraphs: bool = True) -> str:
    """About ``size`` characters of sentences, in paragraphs or all on one line."""
    rng = random.Random(seed)
    sentences: list[str] = []
    total = 0
    while total < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 25))]
        sentence = " ".join(words).capitalize() + rng.choice(".!?.")
        if paragraphs and rng.random() < 0.2:
            sentence += "\n\n"
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences).replace("\n\n ", "\n\n") + "\n"


@dataclass
class Timing:
    """One command's run: what it was, how long it took, and its exit code."""

    label: str
    seconds: float
    returncode: int
    stderr: str


def run_timed(label: str, *args: str, timeout: float = BOUND) -> Timing:
    """Run ``annotate ARGS`` in a fresh interpreter, output discarded, and time it."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "annotate", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            timeout=timeout, env={**os.environ, "COLUMNS": "100"})
    return Timing(label, time.perf_counter() - started, result.returncode, result.stderr)


def write_inputs(folder: Path, document_mb: float, line_mb: float) -> dict[str, Path]:
    """The big document, the long line of prose and the long line without a break."""
    folder.mkdir(parents=True, exist_ok=True)
    inputs = {
        "long": folder / "long.txt",
        "line": folder / "line.txt",
        "unbroken": folder / "unbroken.txt",
    }
    inputs["long"].write_text(prose(int(document_mb * 1e6), 1), encoding="utf-8")
    inputs["line"].write_text(prose(int(line_mb * 1e6), 2, paragraphs=False), encoding="utf-8")
    inputs["unbroken"].write_text("x" * int(line_mb * 1e6) + "\n", encoding="utf-8")
    return inputs


def add_annotators(root: Path, per_annotator: int) -> None:
    """Two annotators who reviewed everything and tagged sentences at random (and the whole
    1 MB sentence of the unbroken line, so a 1 MB quote goes through every command)."""
    folder = open_project(root)
    tags = [t.id for t in folder.project.tags][:3]
    for name, seed in (("ann", 1), ("bob", 2)):
        rng = random.Random(seed)
        annotations: list[Annotation] = []
        reviewed: dict[str, list[int]] = {}
        for document in folder.project.documents:
            text = folder.text(document.id)
            spans = folder.sentences(document.id)
            reviewed[document.id] = list(range(len(spans)))
            count = per_annotator if len(spans) > 1 else 1
            for number in range(count):
                start, end = spans[rng.randrange(len(spans))]
                if len(spans) > 1:
                    end = min(end, start + 200)
                annotations.append(Annotation(
                    id=f"{name}-{document.id}-{number}", document=document.id, start=start,
                    end=end, quote=text[start:end], prefix=text[max(0, start - 32):start],
                    suffix=text[end:end + 32], tag=rng.choice(tags), created=WHEN,
                    modified=WHEN))
        save_annotator_file(root / "annotations" / f"{name}.toml", AnnotatorFile(
            annotator=name, project=folder.project.id, reviewed=reviewed,
            annotations=annotations))


def build_big_project(scratch: Path, document_mb: float, line_mb: float,
                      per_annotator: int, timeout: float = BOUND) -> tuple[Path, list[Timing]]:
    """Make the inputs, then ``init`` and ``add`` them (timed); return the project folder."""
    inputs = write_inputs(scratch / "inputs", document_mb, line_mb)
    root = scratch / "project"
    timings = [run_timed("init", "init", str(root), timeout=timeout)]
    for name, path in inputs.items():
        timings.append(run_timed(f"add ({name})", "add", str(root), str(path), timeout=timeout))
    add_annotators(root, per_annotator)
    return root, timings


def command_timings(root: Path, timeout: float = BOUND) -> list[Timing]:
    """Time every read-side command on the project built by ``build_big_project``."""
    inputs = root.parent / "inputs"
    first, second = (str(root / "annotations" / f"{n}.toml") for n in ("ann", "bob"))
    out = root.parent / "out"
    out.mkdir(exist_ok=True)
    commands = [
        ("segment (long)", "segment", str(inputs / "long.txt")),
        ("segment (line)", "segment", str(inputs / "line.txt")),
        ("segment (unbroken)", "segment", str(inputs / "unbroken.txt")),
        ("validate", "validate", str(root)),
        ("stats", "stats", str(root)),
        ("export json", "export", str(root), "-o", str(out / "claims.json")),
        ("export csv", "export", str(root), "--format", "csv", "-o", str(out / "claims.csv")),
        ("compare", "compare", "--resamples", "50", first, second),
        ("compare --json", "compare", "--json", "--resamples", "50", first, second),
    ]
    return [run_timed(label, *args, timeout=timeout) for label, *args in commands]


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Timing]]:
    return build_big_project(tmp_path_factory.mktemp("big"), document_mb=8, line_mb=1,
                             per_annotator=2000)


class TestBigInputs:
    def test_add_takes_a_big_document_and_long_lines(
            self, big_project: tuple[Path, list[Timing]]) -> None:
        """An ~8 MB document, a 1 MB line of prose and a 1 MB unbroken line are all added."""
        root, timings = big_project
        for timing in timings:
            assert timing.returncode == 0, f"{timing.label}: {timing.stderr}"
            assert timing.seconds < BOUND
        assert {d.id for d in open_project(root).project.documents} == {
            "long", "line", "unbroken"}

    def test_every_command_finishes_in_time(self, big_project: tuple[Path, list[Timing]]) -> None:
        """segment, validate, stats, export and compare succeed within the bound."""
        root, _ = big_project
        for timing in command_timings(root):
            assert timing.returncode == 0, f"{timing.label}: {timing.stderr}"
            assert timing.seconds < BOUND, f"{timing.label} took {timing.seconds:.1f} s"


class TestRefused:
    def test_add_refuses_a_document_over_the_limit(self, tmp_path: Path) -> None:
        """A text over the size limit is refused at once, with the limit in the message."""
        huge = tmp_path / "huge.txt"
        with huge.open("wb") as handle:
            handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: nothing is written
        run_timed("init", "init", str(tmp_path / "p"))
        timing = run_timed("add", "add", str(tmp_path / "p"), str(huge), timeout=30)
        assert timing.returncode == 2
        assert "too large" in timing.stderr and "split it into parts" in timing.stderr
        assert timing.seconds < 10

    def test_segment_refuses_a_file_over_the_limit(self, tmp_path: Path) -> None:
        """segment applies the same limit as add instead of reading a huge file."""
        huge = tmp_path / "huge.txt"
        with huge.open("wb") as handle:
            handle.truncate(MAX_DOCUMENT_BYTES + 1)
        timing = run_timed("segment", "segment", str(huge), timeout=30)
        assert timing.returncode == 2
        assert "too large" in timing.stderr and timing.seconds < 10


class TestWrap:
    def test_wrapping_a_huge_word_is_linear(self) -> None:
        """A 10 MB word wraps in well under a second: a long sentence must not make it quadratic."""
        from annotate.cli_agreement_render import wrap

        started = time.perf_counter()
        lines = wrap("x" * 10_000_000, 80, "  | ")
        assert time.perf_counter() - started < 2
        assert "".join(line[4:] for line in lines) == "x" * 10_000_000
