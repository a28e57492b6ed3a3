"""A scripted editing run for the crash test: the same seed always makes the same changes.

Run as ``python tests/crash_child.py PROJECT SEED``: it opens maria's session, saves on a
background thread all the while, and prints ``done N`` after each change call returns, until
it is killed.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from session_support import counting_ids, ticking_clock

from annotate.session import EditSession
from annotate.storage import ProjectFolder, open_project

TAGS = ["propaganda", "figure", "quote", "assertion"]


def open_scripted(folder: ProjectFolder) -> EditSession:
    """maria's session with a deterministic clock and ids."""
    return EditSession(folder, "maria", clock=ticking_clock(), new_id=counting_ids("c"))


def run_edits(session: EditSession, seed: int, steps: int,
              report: Callable[[int], None] = lambda step: None) -> None:
    """Make ``steps`` pseudo-random changes of every kind, calling ``report`` after each."""
    rng = random.Random(seed)
    documents = [d.id for d in session.project.documents]
    for step in range(1, steps + 1):
        document = rng.choice(documents)
        length = session.project.document(document).length  # type: ignore[union-attr]
        sentences = session.folder.sentences(document)
        existing = session.annotations(document)
        roll = rng.random()
        if roll < 0.35:
            start = rng.randrange(length - 1)
            end = rng.randrange(start + 1, min(length, start + 40) + 1)
            session.add(document, start, end, rng.choice(TAGS), note=f"step {step}")
        elif roll < 0.55:
            start, end = rng.choice(sentences)
            session.toggle(document, start, end, rng.choice(TAGS))
        elif roll < 0.7:
            session.set_reviewed(document, rng.randrange(len(sentences)), rng.random() < 0.8)
        elif roll < 0.8 and existing:
            session.update(rng.choice(existing).id, note=f"edited at {step}")
        elif roll < 0.87 and existing:
            session.delete(rng.choice(existing).id)
        elif roll < 0.95:
            session.undo()
        else:
            session.redo()
        report(step)


def main() -> None:
    """Edit until killed, saving on a worker thread and reporting each returned call."""
    root, seed = Path(sys.argv[1]), int(sys.argv[2])
    session = open_scripted(open_project(root))

    def keep_saving() -> None:
        while True:
            session.save()

    threading.Thread(target=keep_saving, daemon=True).start()
    print("ready", flush=True)
    run_edits(session, seed, 10**9, lambda step: print(f"done {step}", flush=True))


if __name__ == "__main__":
    main()
