"""Crash harness: run the real app in a pseudo-terminal, type edits, SIGKILL it, reopen.

Each trial starts ``annotate open`` in a pty, types a random sequence of keys (tags, review
marks, moves, deletes, undo and redo), and kills the process with SIGKILL at a random moment:
while typing, while the background save folds the journal into TOML, or while idle. An edit
counts as handled once its record is on disk (the journal grew or the TOML file changed);
after the kill, reopening must show the last handled state, give or take the one key in
flight, and every file must read cleanly. Kills during ``export -o`` and ``import`` must leave
the previous file or a complete new one. ``bench/faults.py`` runs 200 trials.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from annotate.errors import AnnotateError
from annotate.journal import PutAnnotation, RemoveAnnotation, journal_path, read_journal
from annotate.storage import load_annotator_file, open_project
from tests.session_support import build_project

KEYS = ["1", "2", "3", "4", " ", " ", "j", "k", "l", "L", "d", "u", "\x12", "x", "1", "2"]
"""Keys typed at random: tags 1-4, review (space), moves, select, delete, undo, redo, unreview."""

TEXT = " ".join(f"Sentence number {n} says that prices rose by {n} percent." for n in range(60))

State = tuple[frozenset[tuple[str, str]], frozenset[tuple[str, int]]]
"""Annotations as (id, JSON) pairs and review marks as (document, index) pairs."""


def disk_state(root: Path, project_id: str, annotator: str = "maria") -> State:
    """The annotator's state on disk: the journal read first, then the TOML file under it.

    Reading the journal before the TOML file makes a fold running meanwhile harmless: its
    records are either still in the journal or already in the new TOML file.
    """
    contents = read_journal(journal_path(root, annotator), project_id, annotator)
    path = root / "annotations" / f"{annotator}.toml"
    stored = load_annotator_file(path) if path.exists() else None
    annotations = {a.id: a.model_dump_json() for a in (stored.annotations if stored else [])}
    reviewed = {(doc, i) for doc, ix in (stored.reviewed if stored else {}).items() for i in ix}
    for operations in contents.records:
        for operation in operations:
            if isinstance(operation, PutAnnotation):
                annotations[operation.annotation.id] = operation.annotation.model_dump_json()
            elif isinstance(operation, RemoveAnnotation):
                annotations.pop(operation.annotation_id, None)
            elif operation.reviewed:
                reviewed.add((operation.document, operation.sentence))
            else:
                reviewed.discard((operation.document, operation.sentence))
    return frozenset(annotations.items()), frozenset(reviewed)


def difference(first: State, second: State) -> int:
    """How many annotations and review marks differ between two states."""
    ids_a, ids_b = dict(first[0]), dict(second[0])
    changed = sum(1 for key in ids_a.keys() | ids_b.keys() if ids_a.get(key) != ids_b.get(key))
    return changed + len(first[1] ^ second[1])


def _fingerprint(root: Path) -> tuple[int, int]:
    """Size and modification time of the journal plus the TOML file, to notice a write."""
    total, latest = 0, 0
    for path in (journal_path(root, "maria"), root / "annotations" / "maria.toml"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        total += stat.st_size
        latest = max(latest, stat.st_mtime_ns)
    return total, latest


@dataclass
class Totals:
    """What the trials did and found."""

    trials: int = 0
    keys: int = 0
    handled: int = 0
    """Edits whose record reached the disk before the kill."""
    lost: int = 0
    """Handled edits missing after reopening (must be 0)."""
    unreadable: int = 0
    """Files that could not be read after the kill (must be 0)."""
    in_flight: int = 0
    """Trials where one edit typed just before the kill also survived (allowed)."""
    notes: list[str] = field(default_factory=list)

    def add(self, other: Totals) -> None:
        """Add another set of totals to these."""
        for name in ("trials", "keys", "handled", "lost", "unreadable", "in_flight"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.notes.extend(other.notes)


def _spawn(arguments: list[str], root: Path) -> Any:
    import pexpect

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30",
           "ANNOTATE_DEBUG": "1"}
    return pexpect.spawn(sys.executable, ["-m", "annotate", *arguments], cwd=str(root),
                         env=env, dimensions=(30, 100), timeout=10)


def tui_trial(workdir: Path, rng: random.Random) -> Totals:
    """One trial of the real app in a pty: type, kill with SIGKILL, reopen and compare."""
    totals = Totals(trials=1)
    root = workdir / "project"
    shutil.rmtree(root, ignore_errors=True)
    folder = build_project(root, {"alpha": TEXT})
    project_id = folder.project.id
    child = _spawn(["open", str(root), "--annotator", "maria", "--document", "alpha"], root)
    try:
        deadline = time.monotonic() + 10
        while not journal_path(root, "maria").exists():
            if time.monotonic() > deadline or not child.isalive():
                raise RuntimeError("the app did not start: " + str(child.before))
            time.sleep(0.02)
        time.sleep(0.6)  # let the screen mount before typing
        handled = [disk_state(root, project_id)]
        kill_after = rng.uniform(0.2, 4.0)
        started = time.monotonic()
        while time.monotonic() - started < kill_after:
            before = _fingerprint(root)
            child.send(rng.choice(KEYS))
            totals.keys += 1
            wait_until = time.monotonic() + rng.choice([0.0, 0.02, 0.1, 0.3])
            while time.monotonic() < wait_until and _fingerprint(root) == before:
                time.sleep(0.005)
            if _fingerprint(root) != before:
                state = disk_state(root, project_id)
                if state != handled[-1]:
                    handled.append(state)
        if rng.random() < 0.4:  # sometimes idle into the background save (2 s after an edit)
            time.sleep(rng.uniform(1.5, 2.6))
            handled.append(disk_state(root, project_id))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.close(force=True)
    totals.handled = len(handled) - 1
    try:
        reopened = open_project(root)
        from annotate.session import EditSession

        with EditSession(reopened, "maria", read_only=True) as session:
            snapshot = session.snapshot()
        final: State = (frozenset((a.id, a.model_dump_json()) for a in snapshot.annotations),
                        frozenset((d, i) for d, ix in snapshot.reviewed.items() for i in ix))
    except AnnotateError as error:
        totals.unreadable += 1
        totals.notes.append(f"unreadable after kill: {error}")
        return totals
    gap = difference(handled[-1], final)
    if gap == 1:
        totals.in_flight += 1
    elif gap > 1:
        totals.lost += gap
        totals.notes.append(f"{gap} differences between the last handled state and the "
                            "reopened one")
    return totals


def command_trial(workdir: Path, rng: random.Random, command: str) -> Totals:
    """Kill ``export -o`` or ``import`` at a random moment: the target is old or complete."""
    totals = Totals(trials=1)
    root = workdir / "project"
    shutil.rmtree(root, ignore_errors=True)
    folder = build_project(root, {"alpha": TEXT})
    from annotate.session import EditSession

    with EditSession(folder, "maria") as session:
        for number in range(200):
            start = rng.randrange(0, len(TEXT) - 10)
            session.add("alpha", start, start + rng.randint(1, 9), rng.choice(
                ["figure", "quote", "assertion", "propaganda"]))
            if number % 3 == 0:
                session.set_reviewed("alpha", number % 60)
    exported = workdir / "claims.json"
    subprocess.run([sys.executable, "-m", "annotate", "export", str(root), "-o",
                    str(exported)], check=True, capture_output=True)
    if command == "export":
        target, previous = workdir / "again.json", b"previous export\n"
        target.write_bytes(previous)
        arguments = ["export", str(root), "-o", str(target)]
    else:
        target = root / "annotations" / "lev.toml"
        previous = b""
        arguments = ["import", str(root), str(exported), "--annotator", "lev"]
    process = subprocess.Popen([sys.executable, "-m", "annotate", *arguments],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, 1.0))
    process.send_signal(signal.SIGKILL)
    process.wait()
    totals.handled = 1 if process.returncode == 0 else 0
    data = target.read_bytes() if target.exists() else b""
    if data == previous:
        return totals
    try:
        if command == "export":
            import json

            json.loads(data)
        else:
            load_annotator_file(target)
    except (ValueError, AnnotateError) as error:
        totals.unreadable += 1
        totals.notes.append(f"{command} left a damaged {target.name}: {error}")
    return totals


def run_trials(workdir: Path, trials: int, seed: int) -> Totals:
    """Run ``trials`` trials: mostly the app, one in ten each for export and import."""
    rng = random.Random(seed)
    totals = Totals()
    for number in range(trials):
        kind = "tui" if number % 10 not in (4, 9) else ("export" if number % 10 == 4
                                                         else "import")
        trial_dir = workdir / f"t{number}"
        trial_dir.mkdir(parents=True, exist_ok=True)
        if kind == "tui":
            totals.add(tui_trial(trial_dir, rng))
        else:
            totals.add(command_trial(trial_dir, rng, kind))
        shutil.rmtree(trial_dir, ignore_errors=True)
    return totals


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty and SIGKILL")
class TestKilledApp:
    def test_twenty_trials_lose_nothing(self, tmp_path: Path) -> None:
        """Twenty SIGKILLs of the app, export and import lose no handled edit and leave every
        file readable."""
        pytest.importorskip("pexpect")
        totals = run_trials(tmp_path, 20, seed=random.randrange(10**6))
        assert totals.lost == 0, totals.notes
        assert totals.unreadable == 0, totals.notes
        assert totals.handled > 0
