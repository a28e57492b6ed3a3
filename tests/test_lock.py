"""Tests for annotate.lock: one writer per annotator file, stale locks taken over."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.errors import LockedError
from annotate.lock import AnnotatorLock, lock_path, pid_alive


def dead_pid() -> int:
    """The pid of a process that has already exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(path: Path, pid: int, host: str | None = None) -> None:
    """Write a lock file as another process would have left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": host or socket.gethostname(),
                                "started": "2024-01-01T00:00:00+00:00"}))


class TestAcquire:
    def test_acquire_records_the_holder_and_release_removes_it(self, tmp_path: Path) -> None:
        """The lock file names this pid, host and start time, and is removed on release."""
        path = lock_path(tmp_path, "maria")
        lock = AnnotatorLock(path)
        lock.acquire()
        recorded = json.loads(path.read_text())
        assert recorded["pid"] == os.getpid()
        assert recorded["host"] == socket.gethostname()
        assert recorded["started"].endswith("+00:00")
        assert lock.held and lock.warnings == []
        lock.release()
        lock.release()
        assert not path.exists() and not lock.held

    def test_second_holder_is_refused_naming_the_first(self, tmp_path: Path) -> None:
        """While a lock is held, another acquire raises LockedError with pid, host and time."""
        path = lock_path(tmp_path, "maria")
        first = AnnotatorLock(path)
        first.acquire()
        with pytest.raises(LockedError) as caught:
            AnnotatorLock(path).acquire()
        message = str(caught.value)
        assert f"process {os.getpid()} on {socket.gethostname()}" in message
        assert first.holder.started in message
        assert path.exists()
        first.release()
        AnnotatorLock(path).acquire()

    def test_release_does_not_remove_a_successors_lock(self, tmp_path: Path) -> None:
        """Releasing a lock whose file was taken over by someone else leaves theirs alone."""
        path = lock_path(tmp_path, "maria")
        first = AnnotatorLock(path)
        first.acquire()
        path.unlink()
        second = AnnotatorLock(path)
        second.acquire()
        first.release()
        assert path.exists()
        second.release()


class TestStale:
    def test_dead_process_lock_is_taken_over_with_a_warning(self, tmp_path: Path) -> None:
        """A lock left by a process that no longer runs is taken over, with a warning."""
        path = lock_path(tmp_path, "maria")
        pid = dead_pid()
        write_lock(path, pid)
        lock = AnnotatorLock(path)
        lock.acquire()
        assert json.loads(path.read_text())["pid"] == os.getpid()
        assert len(lock.warnings) == 1
        assert f"stale lock left by process {pid}" in lock.warnings[0]
        lock.release()

    def test_empty_lock_file_is_stale(self, tmp_path: Path) -> None:
        """An empty lock file (a crash right after creating it) is taken over."""
        path = lock_path(tmp_path, "maria")
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
        lock = AnnotatorLock(path)
        lock.acquire()
        assert "unknown process" in lock.warnings[0]
        lock.release()

    def test_lock_from_another_host_is_refused(self, tmp_path: Path) -> None:
        """A lock recorded on another machine is never assumed stale; the message says how
        to clear it."""
        path = lock_path(tmp_path, "maria")
        write_lock(path, dead_pid(), host="elsewhere.example")
        with pytest.raises(LockedError, match=r"elsewhere\.example.*delete the lock file"):
            AnnotatorLock(path).acquire()

    def test_live_process_holds_until_killed(self, tmp_path: Path) -> None:
        """A lock held by a running process is refused; after it is killed it is stale."""
        path = lock_path(tmp_path, "maria")
        script = ("import sys, time\nfrom pathlib import Path\n"
                  "from annotate.lock import AnnotatorLock\n"
                  "AnnotatorLock(Path(sys.argv[1])).acquire()\n"
                  "print('held', flush=True)\ntime.sleep(60)\n")
        child = subprocess.Popen([sys.executable, "-c", script, str(path)],
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline() == "held\n"
            with pytest.raises(LockedError, match=f"process {child.pid} "):
                AnnotatorLock(path).acquire()
        finally:
            child.kill()
            child.wait()
        lock = AnnotatorLock(path)
        lock.acquire()
        assert f"process {child.pid}" in lock.warnings[0]
        lock.release()


class TestPidAlive:
    def test_pid_alive(self) -> None:
        """This process is alive; an exited child and pid 0 are not."""
        assert pid_alive(os.getpid())
        assert not pid_alive(dead_pid())
        assert not pid_alive(0)

    def test_takeover_is_quick(self, tmp_path: Path) -> None:
        """Taking over a stale lock does not wait for any grace period."""
        path = lock_path(tmp_path, "maria")
        write_lock(path, dead_pid())
        began = time.perf_counter()
        lock = AnnotatorLock(path)
        lock.acquire()
        assert time.perf_counter() - began < 0.5
        lock.release()
