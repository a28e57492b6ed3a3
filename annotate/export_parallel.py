"""Render annotators' claims in worker processes, for exports of large projects.

Reading an annotator file and writing its claims takes most of an export, so
``write_rendered_claims`` forks up to ``jobs`` worker processes at a time. With at least as
many annotators as jobs, each worker reads and renders one annotator; with fewer, each
annotator is read in the main process and the forked workers, which share what was read,
each render one consecutive slice of its claims. A worker writes its claims to a part file
in a scratch folder (passing tens of megabytes back through a pipe cost more than the work
saved) and what reading them added to the plan to a small JSON file; the parent appends the
parts to the output in order, between the writer's head and tail, deleting each once
copied. The output is byte for byte what one process writes.

A worker that fails in any way (an error, a full scratch disk, killed by the system) leaves
no result, and its part is rendered again in this process: an error then reaches the user
with its usual message, and otherwise a warning says what happened.
"""

from __future__ import annotations

import gc
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

from annotate.export import ClaimWriter, ExportPlan, current_annotator_file
from annotate.journal import journal_path

PARALLEL_BYTES = 4 * 2**20
"""Annotator files smaller than this in total are read in one process: starting workers
costs more than it saves."""

MAX_JOBS = 64
"""No more worker processes than this, whatever is asked."""

_job: tuple[ClaimWriter, Path] | None = None
"""The writer the workers use and the folder for their files; set before workers are forked,
so it is never pickled."""


def can_fork() -> bool:
    """Whether workers can be forked safely here (Linux; forking without exec is unsafe on
    macOS and unavailable on Windows)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def default_jobs(plan: ExportPlan) -> int:
    """Processes worth using for ``plan``: one per available CPU, or one when the annotator
    files are small."""
    if not can_fork() or not plan.annotators:
        return 1
    cpus = len(os.sched_getaffinity(0))
    if cpus < 2:
        return 1
    size = 0
    for annotator in plan.annotators:
        for path in (plan.folder.annotator_path(annotator),
                     journal_path(plan.folder.root, annotator)):
            size += _size(path)
    return cpus if size >= PARALLEL_BYTES else 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


Task = tuple[int, "tuple[int, int] | None"]
"""What a worker renders: an annotator's index in the plan, and which slice of its claims
(``ExportPlan.part``), or None for all of them."""


def _name(task: Task) -> str:
    index, part = task
    return f"{index}" if part is None else f"{index}.{part[0]}"


def _render(task: Task) -> None:
    """In a worker: write the task's claims to ``<name>.part`` and how many, with what
    reading them added to the plan, to ``<name>.json``; on any failure write nothing more and
    exit quietly (the parent redoes the task)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # A worker makes no reference cycles, and a collection would touch every object it
    # shares with the parent, copying their memory.
    gc.disable()
    assert _job is not None
    writer, scratch = _job
    plan = writer.plan
    plan.reviewed.clear()
    plan.warnings.clear()
    plan.part = task[1]
    name = _name(task)
    try:
        with open(scratch / f"{name}.part", "w", encoding="utf-8", newline="") as part:
            count = writer.claims(part, plan.annotators[task[0]], continuing=False)
        result = json.dumps({"count": count, "reviewed": plan.reviewed,
                             "warnings": plan.warnings})
        (scratch / f"{name}.tmp").write_text(result, encoding="utf-8")
        os.replace(scratch / f"{name}.tmp", scratch / f"{name}.json")
    except BaseException:  # nothing may escape a forked worker
        os._exit(1)
    os._exit(0)  # skip the interpreter's exit handlers, which belong to the parent


def _result(scratch: Path, task: Task) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(
            (scratch / f"{_name(task)}.json").read_text("utf-8"))
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
    one process.

    With at least as many annotators as jobs, each worker reads and renders one annotator.
    With fewer, each annotator is read here and its claims rendered in ``jobs`` slices, one
    per worker (forked workers share what was read).
    """
    global _job
    plan = writer.plan
    jobs = min(jobs, MAX_JOBS)
    # Forked workers inherit unwritten buffers, so everything written so far must be out.
    for stream in (out, sys.stdout, sys.stderr):
        if stream is not None and not stream.closed:
            stream.flush()
    load = plan.load
    count = 0
    with tempfile.TemporaryDirectory(prefix="annotate-export-") as folder, \
            _terminated_as_interrupted():
        scratch = Path(folder)
        _job = (writer, scratch)
        try:
            if len(plan.annotators) >= jobs:
                return _run(out, writer, [(i, None) for i in range(len(plan.annotators))],
                            jobs, scratch, 0)
            for index, annotator in enumerate(plan.annotators):
                read = (load or current_annotator_file)(plan.folder, annotator)
                plan.load = lambda _folder, _name, read=read: read
                count = _run(out, writer, [(index, (k, jobs)) for k in range(jobs)], jobs,
                             scratch, count)
                plan.load = load
        finally:
            _job = None
            plan.load = load
    return count


def _run(out: TextIO, writer: ClaimWriter, tasks: list[Task], jobs: int, scratch: Path,
         count: int) -> int:
    """Render ``tasks`` in up to ``jobs`` workers and append them to ``out`` in order, after
    ``count`` claims already written; return the new count."""
    plan = writer.plan
    context = multiprocessing.get_context("fork")
    running: dict[int, BaseProcess] = {}
    """Workers started and not yet consumed, by task number; at most ``jobs`` alive."""
    started = 0
    try:
        for number, task in enumerate(tasks):
            while True:  # keep the workers busy until this task's is done
                alive = [p.sentinel for p in running.values() if p.exitcode is None]
                while started < len(tasks) and len(alive) < jobs:
                    running[started] = worker = context.Process(
                        target=_render, args=(tasks[started],), daemon=True)
                    worker.start()
                    alive.append(worker.sentinel)
                    started += 1
                if running[number].exitcode is not None:
                    break
                wait(alive)
            running.pop(number).join()
            index, part = task
            first_part = part is None or part[0] == 0  # reviewed and warnings come once
            result = _result(scratch, task)
            if result is None:  # again here, where an error reaches the user
                annotator = plan.annotators[index]
                kept = len(plan.reviewed), len(plan.warnings)
                plan.part = part
                try:
                    count += writer.claims(out, annotator, continuing=count > 0)
                finally:
                    plan.part = None
                if not first_part:
                    del plan.reviewed[kept[0]:], plan.warnings[kept[1]:]
                plan.warnings.append(f"a worker process failed on annotator {annotator!r}; "
                                     "its claims were read again in the main process")
                continue
            if first_part:
                plan.reviewed.extend(result["reviewed"])
                plan.warnings.extend(result["warnings"])
            path = scratch / f"{_name(task)}.part"
            if result["count"]:
                out.write(writer.join if count else "")
                _copy_part(path, out)
                count += result["count"]
            path.unlink()
    finally:
        for process in running.values():
            process.terminate()
        for process in running.values():
            process.join()
    return count
