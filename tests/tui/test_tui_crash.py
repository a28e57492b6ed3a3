"""Kill the UI with SIGKILL mid-session: every key it had handled is there on reopening."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.session import EditSession
from annotate.storage import open_project
from tests.conftest import make_project

CHILD = Path(__file__).with_name("tui_crash_child.py")


def numbered_project(root: Path, count: int = 400) -> None:
    """A project whose document has ``count`` short sentences."""
    text, spans = "", []
    for number in range(count):
        sentence = f"Sentence number {number}."
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + " "
    make_project(root, text, spans)


def handled_keys(output: str) -> int:
    """How many ``done N`` lines the child finished printing before it died."""
    complete = output[: output.rfind("\n") + 1]
    done = [int(line.split()[1]) for line in complete.splitlines() if line.startswith("done ")]
    return done[-1] if done else 0


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
class TestKilledUI:
    def test_every_handled_key_survives_kill_9(self, tmp_path: Path) -> None:
        """Tags and review marks of every handled key are back after kill -9 (the key in
        flight may or may not be), and the stale lock is taken over."""
        root = tmp_path / "project"
        numbered_project(root)
        log = tmp_path / "child.log"
        with log.open("w") as out:
            child = subprocess.Popen([sys.executable, str(CHILD), str(root)], stdout=out,
                                     stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 20
                while handled_keys(log.read_text()) < 12 and time.monotonic() < deadline:
                    assert child.poll() is None, log.read_text()
                    time.sleep(0.01)
                time.sleep(random.uniform(0.0, 0.3))
            finally:
                child.kill()
                child.wait()
        handled = handled_keys(log.read_text())
        assert handled >= 12, log.read_text()
        with EditSession(open_project(root), "maria") as session:
            tagged = sorted(session.folder.sentences("doc").index((a.start, a.end))
                            for a in session.annotations("doc"))
            reviewed = [i for i in range(400) if session.is_reviewed("doc", i)]
        tags_done, reviews_done = (handled + 1) // 2, handled // 2
        assert tagged[:tags_done] == list(range(tags_done))
        assert len(tagged) in (tags_done, tags_done + 1)
        assert reviewed[:reviews_done] == list(range(reviews_done))
        assert len(reviewed) in (reviews_done, reviews_done + 1)
