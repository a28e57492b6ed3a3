"""Render annotators' claims in worker processes, for exports of large projects.

Reading an annotator file and writing its claims takes most of an export, and annotators are
independent, so ``write_rendered_claims`` hands each annotator to a pool of forked processes.
Each writes its annotator's claims to a part file in a scratch folder (passing tens of
megabytes back through a pipe cost more than the work saved), and the parent appends the
parts to the output in annotator order, between the writer's head and tail. The output is
byte for byte what one process writes.

A worker that fails returns nothing, and that annotator is rendered again in this process,
which raises the error with its usual message (errors do not cross the process boundary).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from annotate.export import ClaimWriter, ExportPlan
from annotate.journal import journal_path

PARALLEL_BYTES = 4 * 2**20
"""Annotator files smaller than this in total are read in one process: starting workers
costs more than it saves."""

_job: tuple[ClaimWriter, Path] | None = None
"""The writer the workers use and the folder for their part files; set before the pool is
forked, so it is never pickled."""


def default_jobs(plan: ExportPlan) -> int:
    """Processes worth using for ``plan``: one per available CPU, at most one per annotator,
    and one when the annotator files are small."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    if cpus < 2 or len(plan.annotators) < 2 or not hasattr(os, "fork"):
        return 1
    size = 0
    for annotator in plan.annotators:
        for path in (plan.folder.annotator_path(annotator),
                     journal_path(plan.folder.root, annotator)):
            size += _size(path)
    return min(cpus, len(plan.annotators)) if size >= PARALLEL_BYTES else 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _ignore_interrupts() -> None:
    # Ctrl-C is the parent's to handle; it stops the pool, which ends the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render(index: int) -> tuple[int, list[Any], list[str]] | None:
    """In a worker: write one annotator's claims to its part file; return how many, with
    what reading them added to the plan, or None if anything failed."""
    assert _job is not None
    writer, parts = _job
    plan = writer.plan
    plan.reviewed.clear()
    plan.warnings.clear()
    try:
        with open(parts / f"{index}.part", "w", encoding="utf-8", newline="") as part:
            count = writer.claims(part, plan.annotators[index], continuing=False)
    except Exception:  # the parent renders it again and raises it there
        return None
    return count, list(plan.reviewed), list(plan.warnings)


def _copy_part(path: Path, out: TextIO) -> None:
    """Append a part file to ``out``: as bytes when ``out`` writes UTF-8 untranslated."""
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "")
    raw = getattr(out, "buffer", None)
    if raw is not None and encoding == "utf8" and os.linesep == "\n":
        out.flush()
        with open(path, "rb") as part:
            shutil.copyfileobj(part, raw, 2**20)
        return
    with open(path, encoding="utf-8", newline="") as text:
        shutil.copyfileobj(text, out, 2**20)


def write_rendered_claims(out: TextIO, writer: ClaimWriter, jobs: int) -> int:
    """Write every annotator's claims, rendered by ``jobs`` processes, in annotator order;
    return how many. The plan's reviewed sentences and warnings grow as in one process."""
    global _job
    plan = writer.plan
    # Forked workers inherit unwritten buffers and flush the standard streams when they end,
    # so everything written so far must be out first.
    for stream in (out, sys.stdout, sys.stderr):
        stream.flush()
    count = 0
    with tempfile.TemporaryDirectory(prefix="annotate-export-") as scratch:
        parts = Path(scratch)
        _job = (writer, parts)
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs, initializer=_ignore_interrupts) as pool:
                for index, result in enumerate(pool.imap(_render,
                                                         range(len(plan.annotators)))):
                    if result is None:  # again here, where an error reaches the user
                        count += writer.claims(out, plan.annotators[index],
                                               continuing=count > 0)
                        continue
                    written, reviewed, warnings = result
                    plan.reviewed.extend(reviewed)
                    plan.warnings.extend(warnings)
                    if written:
                        out.write(writer.join if count else "")
                        _copy_part(parts / f"{index}.part", out)
                        count += written
        finally:
            _job = None
    return count
