"""Kill an editing process with SIGKILL at random moments and check nothing it reported is lost."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_child import open_scripted, run_edits
from session_support import build_project

from annotate.session import EditSession
from annotate.storage import load_annotator_file, open_project

CHILD = Path(__file__).with_name("crash_child.py")
TRIALS = 5


def last_reported_step(output: str) -> int:
    """The N of the last complete ``done N`` line (a line cut by the kill does not count)."""
    complete = output[: output.rfind("\n") + 1]
    steps = [int(line.split()[1]) for line in complete.splitlines() if line.startswith("done ")]
    return steps[-1] if steps else 0


def expected_after(pristine: Path, seed: int, steps: int) -> dict[str, object]:
    """The state the scripted run reaches after ``steps`` changes, replayed in this process."""
    with open_scripted(open_project(pristine)) as session:
        run_edits(session, seed, steps)
        return session.snapshot().model_dump()


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
class TestKilledMidSession:
    def test_every_reported_change_survives_sigkill(self, tmp_path: Path) -> None:
        """After kill -9 at a random moment, reopening shows every change whose call returned
        (and perhaps the one in flight), the files read cleanly, and the lock is taken over."""
        rng = random.Random()
        for trial in range(TRIALS):
            seed = rng.randrange(10**6)
            root = tmp_path / f"trial{trial}"
            build_project(root)
            pristine = [tmp_path / f"pristine{trial}-{n}" for n in range(2)]
            for copy in pristine:
                shutil.copytree(root, copy)
            log = tmp_path / f"trial{trial}.log"
            with log.open("w") as out:
                child = subprocess.Popen([sys.executable, str(CHILD), str(root), str(seed)],
                                         stdout=out, stderr=subprocess.STDOUT)
                try:
                    deadline = time.monotonic() + 10
                    while "ready" not in log.read_text() and time.monotonic() < deadline:
                        assert child.poll() is None, log.read_text()
                        time.sleep(0.01)
                    time.sleep(rng.uniform(0.05, 0.5))
                finally:
                    child.kill()
                    child.wait()
            output = log.read_text()
            assert "Traceback" not in output, output
            reported = last_reported_step(output)
            assert reported > 0, f"seed {seed}: the child made no change before the kill"

            reopened = EditSession(open_project(root), "maria")
            state = reopened.snapshot().model_dump()
            unexpected = [w for w in reopened.warnings
                          if "stale lock" not in w and "half-written journal line" not in w]
            assert unexpected == [], f"seed {seed}"
            reopened.close()
            # The kill may land after a call returned but before its "done" line was printed.
            if state != expected_after(pristine[0], seed, reported):
                assert state == expected_after(pristine[1], seed, reported + 1), \
                    f"seed {seed}: a change reported before the kill at step {reported} is lost"
            stored = load_annotator_file(open_project(root).annotator_path("maria"))
            assert stored.model_dump() == state
            open_project(root).load_annotator("maria")
