"""One writer per annotator file: a lock file naming the process that holds it.

The lock file is created with O_CREAT|O_EXCL and records pid, host and start time. On systems
with ``fcntl`` the holder also keeps an advisory ``flock`` on it, which the kernel drops when
the process dies, so a crashed holder is recognised even if its pid has been reused.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotate.errors import LockedError, SaveError
from annotate.storage import ANNOTATIONS_DIR

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

UNREADABLE_GRACE_SECONDS = 5.0
"""How long an empty or garbled lock file is assumed to be still being written."""


def lock_path(root: Path, annotator: str) -> Path:
    """Where an annotator's lock file lives: hidden, beside the annotator file."""
    return root / ANNOTATIONS_DIR / f".{annotator}.lock"


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock, as recorded in the lock file."""

    pid: int
    host: str
    started: str

    def describe(self) -> str:
        """A readable 'process 123 on host since time' phrase."""
        return f"process {self.pid} on {self.host} (since {self.started})"


def _read_holder(path: Path) -> LockHolder | None:
    """The holder recorded in a lock file, or None if it is empty or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(pid=int(data["pid"]), host=str(data["host"]),
                          started=str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class AnnotatorLock:
    """An exclusive lock on one annotator's file, held until ``release``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.holder = LockHolder(pid=os.getpid(), host=socket.gethostname(),
                                 started=datetime.now(UTC).replace(microsecond=0).isoformat())
        self._fd = -1
        self.warnings: list[str] = []
        """What acquiring noticed, e.g. a stale lock that was taken over."""

    @property
    def held(self) -> bool:
        """Whether this object currently holds the lock."""
        return self._fd >= 0

    def acquire(self) -> None:
        """Take the lock, taking over a stale one with a warning; LockedError if it is live."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise LockedError(f"{self.path}: cannot create the lock file's folder: "
                              f"{e.strerror or e}") from None
        for _ in range(20):
            if self._try_create() or self._try_take_over():
                return
        raise LockedError(f"{self.path}: could not take the lock (it keeps changing); "
                          "try again")

    def _content(self) -> bytes:
        return (json.dumps({"pid": self.holder.pid, "host": self.holder.host,
                            "started": self.holder.started}) + "\n").encode()

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as e:
            raise SaveError(f"{self.path}: cannot create the lock file: {e.strerror or e}") \
                from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another opener judged the empty file stale and won
                os.close(fd)
                return False
        self._write(fd)
        self._fd = fd
        return True

    def _write(self, fd: int) -> None:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, self._content(), 0)
            os.fsync(fd)
        except OSError as e:
            os.close(fd)
            raise SaveError(f"{self.path}: cannot write the lock file: {e.strerror or e}") \
                from None

    def _try_take_over(self) -> bool:
        """Take an existing lock file if its holder is gone; False if it vanished meanwhile."""
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return False
        except OSError as e:
            raise LockedError(f"{self.path}: cannot open the lock file: {e.strerror or e}") \
                from None
        try:
            holder = _read_holder(self.path)
            if not self._holder_gone(fd, holder):
                raise self._locked_error(holder)
            # The path may have been released (unlinked) and recreated since we opened it.
            if os.fstat(fd).st_ino != os.stat(self.path).st_ino:
                os.close(fd)
                return False
        except FileNotFoundError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._write(fd)
        self._fd = fd
        who = holder.describe() if holder else "an unknown process"
        self.warnings.append(f"took over a stale lock left by {who}, which is no longer "
                             f"running ({self.path})")
        return True

    def _holder_gone(self, fd: int, holder: LockHolder | None) -> bool:
        """Whether the recorded holder has stopped; with fcntl, take its flock if so."""
        this_host = socket.gethostname()
        if holder is not None and holder.host != this_host:
            return False  # cannot see processes on another machine
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True
        if holder is None:
            age = time.time() - os.fstat(fd).st_mtime
            return age > UNREADABLE_GRACE_SECONDS
        return not pid_alive(holder.pid)

    def _locked_error(self, holder: LockHolder | None) -> LockedError:
        if holder is None:
            return LockedError(f"{self.path}: another process is opening this annotator file; "
                               "try again in a moment")
        hint = ""
        if holder.host != socket.gethostname():
            hint = ("; if that machine is no longer running annotate, delete the lock file "
                    "to continue")
        return LockedError(f"this annotator file is already open in {holder.describe()}; "
                           f"open it read-only or close the other one first{hint} ({self.path})")

    def release(self) -> None:
        """Remove the lock file and drop the lock; safe to call twice."""
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            if os.fstat(self._fd).st_ino == os.stat(self.path).st_ino:
                os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = -1
