"""Time ``annotate export`` on a synthetic project of 100,000 claims, in every format.

Usage: ``python bench/export.py [--claims N] [--annotators N] [--keep DIR] [--runs N]``.
Prints the time to read the annotator files, then per format the wall time and peak memory
of writing the export from files already read ("write") and of the export including the
reading ("total"), both in this process. Peak memory is traced by ``tracemalloc`` (Python
allocations only, counted from the start of the run) in a second run, so tracing does not
slow the timed one. Last, the real command, ``python -m annotate export DIR --format F -o
FILE``, is run ``--runs`` times per format, with the default ``--jobs`` (worker processes
on a multi-core machine) and with ``--jobs 1``: its median wall time against the 3 s
target, and the peak resident memory of its largest process.
"""

from __future__ import annotations

import argparse
import gc
import io
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from annotate.export import (
    FORMATS,
    ExportSelection,
    current_annotator_file,
    plan_export,
    write_export,
)
from annotate.model import Annotation, AnnotatorFile, Document, Project, SentenceFile
from annotate.storage import (
    atomic_write_text,
    open_project,
    save_annotator_file,
    save_project,
    sentences_to_toml,
    sha256_text,
)
from annotate.tagset import default_tags

SENTENCE = ("In 1925 the output of large-scale industry reached {n} per cent of the pre-war "
            "level, and «the working class» grew by {m} thousand — «нас было много» 工人. ")


def build_project(root: Path, claims: int, annotators: int = 4, documents: int = 5) -> None:
    """Write a project whose annotators together hold ``claims`` annotations."""
    tags = default_tags()
    project = Project(id=secrets.token_hex(8), title="Export benchmark", tags=tags)
    per_doc_sentences = max(1, claims // (annotators * documents * 2))
    docs: list[Document] = []
    texts: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for d in range(documents):
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        offset = 0
        for n in range(per_doc_sentences):
            sentence = SENTENCE.format(n=n % 997, m=d)
            spans.append((offset, offset + len(sentence) - 1))
            parts.append(sentence)
            offset += len(sentence)
        text = "".join(parts)
        doc_id = f"doc-{d}"
        digest = sha256_text(text)
        atomic_write_text(root / f"documents/{doc_id}.txt", text)
        atomic_write_text(root / f"sentences/{doc_id}.toml", sentences_to_toml(SentenceFile(
            document=doc_id, sha256=digest, method="annotate-1", spans=spans)))
        docs.append(Document(id=doc_id, title=f"Document {d}", path=f"documents/{doc_id}.txt",
                             sha256=digest, sentences=f"sentences/{doc_id}.toml",
                             length=len(text)))
        texts[doc_id] = (text, spans)
    project = project.model_copy(update={"documents": docs})
    save_project(root, project)
    when = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    per_annotator = claims // annotators
    for a in range(annotators):
        annotations: list[Annotation] = []
        for i in range(per_annotator):
            doc_id = docs[i % documents].id
            text, spans = texts[doc_id]
            sentence = (i // documents) % len(spans)
            s_start, s_end = spans[sentence]
            start, end = (s_start, s_end) if i % 2 else (s_start + 3, s_start + 7)
            created = when + timedelta(seconds=i)
            annotations.append(Annotation(
                id=f"a{a}-{i}", document=doc_id, start=start, end=end, quote=text[start:end],
                prefix=text[max(0, start - 32):start], suffix=text[end:end + 32],
                tag="figure", subtype="statistical" if i % 3 else None,
                attributes={"value": i, "unit": "per cent"} if i % 2 else {},
                note="checked\nagainst \"the 1926 census\"" if i % 5 == 0 else "",
                created=created, modified=created))
        reviewed = {d.id: list(range(0, len(texts[d.id][1]), 2)) for d in docs}
        save_annotator_file(root / f"annotations/annotator-{a}.toml", AnnotatorFile(
            annotator=f"annotator-{a}", project=project.id, reviewed=reviewed,
            annotations=annotations))


def measure(run: Callable[[], None]) -> tuple[float, float]:
    """Seconds for one untraced run, and peak traced MiB of a second run."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 2**20


def main() -> int:
    """Build the project, export it in each format to a null sink, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--keep", help="build the project in this folder and keep it")
    parser.add_argument("--runs", type=int, default=3, help="runs of the command per format")
    parser.add_argument("--annotators", type=int, default=4,
                        help="annotators sharing the claims (4)")
    args = parser.parse_args()
    if min(args.runs, args.claims, args.annotators) < 1:
        parser.error("--runs, --claims and --annotators must be at least 1")
    gc.set_threshold(50_000, 20, 20)  # as annotate's batch commands do (see annotate.cli)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(args.keep or scratch)
        started = time.perf_counter()
        build_project(root, args.claims, args.annotators)
        print(f"built {args.claims:,} claims in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        folder = open_project(root)
        loaded = {}
        started = time.perf_counter()
        for name in folder.annotator_names():
            loaded[name] = current_annotator_file(folder, name)
        print(f"load   {args.claims:>9,} claims  {time.perf_counter() - started:6.2f} s  "
              "(reading the annotator files, done by storage)")
        for fmt in FORMATS:
            for label, load in (("write", lambda _f, name: loaded[name]), ("total", None)):
                def run(fmt: str = fmt, load: Any = load) -> None:
                    plan = plan_export(open_project(root), ExportSelection())
                    plan.load = load
                    write_export(_NullText(), plan, fmt, now=datetime(2024, 6, 1, tzinfo=UTC))

                seconds, peak = measure(run)
                print(f"{fmt:<6} {args.claims:>9,} claims  {seconds:6.2f} s  peak "
                      f"{peak:7.1f} MiB  ({label})")
        for fmt in FORMATS:
            for jobs in (None, 1):
                runs = [run_command(root, fmt, Path(scratch) / f"out.{fmt}", jobs)
                        for _ in range(args.runs)]
                median = statistics.median(seconds for seconds, _ in runs)
                how = "default --jobs" if jobs is None else f"--jobs {jobs}"
                print(f"{fmt:<6} {args.claims:>9,} claims  {median:6.2f} s  rss  "
                      f"{max(rss for _, rss in runs):7.1f} MiB  (command, {how}, median of "
                      f"{args.runs}; {median / TARGET_SECONDS:.2f} of the "
                      f"{TARGET_SECONDS:.0f} s target)")
    return 0


TARGET_SECONDS = 3.0

_TIMER = """
import resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
if result.returncode:
    sys.exit(result.stderr.decode())
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs the command and prints its wall seconds and the peak resident KiB of its largest
process (workers included). A fresh small process, so the figure is not this one's."""


def run_command(root: Path, fmt: str, output: Path, jobs: int | None) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one ``annotate export`` command."""
    command = [sys.executable, "-m", "annotate", "export", str(root), "--format", fmt,
               "-o", str(output)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    timed = subprocess.run([sys.executable, "-c", _TIMER, *command], capture_output=True,
                           text=True, check=False)
    if timed.returncode:
        raise SystemExit(f"annotate export failed: {timed.stderr}")
    seconds, kib = timed.stdout.split()
    return float(seconds), float(kib) / 1024


class _NullText(io.TextIOBase):
    """A text sink that counts characters and keeps none, so output size costs no memory."""

    def __init__(self) -> None:
        self.characters = 0

    def write(self, text: str) -> int:
        self.characters += len(text)
        return len(text)


if __name__ == "__main__":
    raise SystemExit(main())
