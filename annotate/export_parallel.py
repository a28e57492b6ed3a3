"""Render annotators' claims in worker processes, for exports of large projects.

Reading an annotator file and writing its claims takes most of an export, and annotators are
independent, so ``write_rendered_claims`` forks up to ``jobs`` worker processes at a time,
one per annotator. Each writes its annotator's claims to a part file in a scratch folder
(passing tens of megabytes back through a pipe cost more than the work saved) and what
reading them added to the plan to a small JSON file; the parent appends the parts to the
output in annotator order, between the writer's head and tail, deleting each once copied.
The output is byte for byte what one process writes.

A worker that fails in any way (an error, a full scratch disk, killed by the system) leaves
no result, and that annotator is rendered again in this process: an error then reaches the
user with its usual message, and otherwise a warning says what happened.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from annotate.export import ClaimWriter, ExportPlan
from annotate.journal import journal_path

PARALLEL_BYTES = 4 * 2**20
"""Annotator files smaller than this in total are read in one process: starting workers
costs more than it saves."""

_job: tuple[ClaimWriter, Path] | None = None
"""The writer the workers use and the folder for their files; set before workers are forked,
so it is never pickled."""


def can_fork() -> bool:
    """Whether workers can be forked safely here (Linux; forking without exec is unsafe on
    macOS and unavailable on Windows)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def default_jobs(plan: ExportPlan) -> int:
    """Processes worth using for ``plan``: one per available CPU, at most one per annotator,
    and one when the annotator files are small."""
    if not can_fork() or len(plan.annotators) < 2:
        return 1
    cpus = len(os.sched_getaffinity(0))
    if cpus < 2:
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


def _render(index: int) -> None:
    """In a worker: write annotator ``index``'s claims to ``<index>.part`` and how many, with
    what reading them added to the plan, to ``<index>.json``; on any failure write nothing
    more and exit quietly (the parent redoes the annotator)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    assert _job is not None
    writer, scratch = _job
    plan = writer.plan
    plan.reviewed.clear()
    plan.warnings.clear()
    try:
        with open(scratch / f"{index}.part", "w", encoding="utf-8", newline="") as part:
            count = writer.claims(part, plan.annotators[index], continuing=False)
        result = json.dumps({"count": count, "reviewed": plan.reviewed,
                             "warnings": plan.warnings})
        (scratch / f"{index}.tmp").write_text(result, encoding="utf-8")
        os.replace(scratch / f"{index}.tmp", scratch / f"{index}.json")
    except BaseException:  # nothing may escape a forked worker
        os._exit(1)
    os._exit(0)  # skip the interpreter's exit handlers, which belong to the parent


def _result(scratch: Path, index: int) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((scratch / f"{index}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data


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


@contextmanager
def _terminated_as_interrupted() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while workers run, so they are stopped and the scratch
    folder removed (only the main thread can set signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_rendered_claims(out: TextIO, writer: ClaimWriter, jobs: int) -> int:
    """Write every annotator's claims, rendered by up to ``jobs`` processes at once, in
    annotator order; return how many. The plan's reviewed sentences and warnings grow as in
    one process."""
    global _job
    plan = writer.plan
    # Forked workers inherit unwritten buffers, so everything written so far must be out.
    for stream in (out, sys.stdout, sys.stderr):
        if stream is not None and not stream.closed:
            stream.flush()
    context = multiprocessing.get_context("fork")
    running: dict[int, BaseProcess] = {}
    """Workers started and not yet consumed, by annotator index; at most ``jobs`` alive."""
    count = started = 0
    with tempfile.TemporaryDirectory(prefix="annotate-export-") as folder, \
            _terminated_as_interrupted():
        scratch = Path(folder)
        _job = (writer, scratch)
        try:
            for index, annotator in enumerate(plan.annotators):
                while True:  # keep the workers busy until this annotator's is done
                    alive = [p.sentinel for p in running.values() if p.exitcode is None]
                    while started < len(plan.annotators) and len(alive) < jobs:
                        running[started] = worker = context.Process(
                            target=_render, args=(started,), daemon=True)
                        worker.start()
                        alive.append(worker.sentinel)
                        started += 1
                    if running[index].exitcode is not None:
                        break
                    wait(alive)
                running.pop(index).join()
                result = _result(scratch, index)
                if result is None:  # again here, where an error reaches the user
                    plan.warnings.append(f"a worker process failed on annotator {annotator!r}; "
                                         "its claims were read again in the main process")
                    count += writer.claims(out, annotator, continuing=count > 0)
                    continue
                plan.reviewed.extend(result["reviewed"])
                plan.warnings.extend(result["warnings"])
                part = scratch / f"{index}.part"
                if result["count"]:
                    out.write(writer.join if count else "")
                    _copy_part(part, out)
                    count += result["count"]
                part.unlink()
        finally:
            _job = None
            for process in running.values():
                process.terminate()
            for process in running.values():
                process.join()
    return count
