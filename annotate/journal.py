"""The append-only edit journal that keeps every change on disk before the TOML file is written.

A journal is JSON Lines: a header naming the project and annotator, then one record per
mutating call. Records only ever *set* state (put an annotation, remove an id, set a review
flag), so replaying a journal on top of a TOML file that already holds some of it is harmless.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from annotate.errors import NewerVersionError, ProjectFileError, SaveError
from annotate.model import Annotation
from annotate.storage import ANNOTATIONS_DIR, atomic_write_bytes

JOURNAL_FORMAT = "annotate-journal"
"""The ``format`` value of every journal header."""

JOURNAL_VERSION = 1
"""The newest journal format this version reads and the one it writes."""


def journal_path(root: Path, annotator: str) -> Path:
    """Where an annotator's journal lives: hidden, beside the annotator file."""
    return root / ANNOTATIONS_DIR / f".{annotator}.journal"


@dataclass(frozen=True)
class PutAnnotation:
    """Set the annotation with this id to exactly this value (adding it if absent)."""

    annotation: Annotation


@dataclass(frozen=True)
class RemoveAnnotation:
    """Remove the annotation with this id, if present."""

    annotation_id: str


@dataclass(frozen=True)
class SetReviewed:
    """Set one sentence's review flag."""

    document: str
    sentence: int
    reviewed: bool


Operation = PutAnnotation | RemoveAnnotation | SetReviewed
"""One idempotent state change; a journal record holds the operations of one call."""


def operation_dict(operation: Operation) -> dict[str, Any]:
    """An operation as a JSON-ready dict."""
    if isinstance(operation, PutAnnotation):
        return {"op": "put", "annotation": operation.annotation.model_dump(mode="json")}
    if isinstance(operation, RemoveAnnotation):
        return {"op": "remove", "id": operation.annotation_id}
    return {"op": "review", "document": operation.document, "sentence": operation.sentence,
            "reviewed": operation.reviewed}


def parse_operation(data: Any) -> Operation:
    """Read one operation dict, raising ValueError with the reason if it is malformed."""
    if not isinstance(data, dict):
        raise ValueError("an operation must be an object")
    kind = data.get("op")
    if kind == "put":
        try:
            return PutAnnotation(Annotation.model_validate(data.get("annotation")))
        except ValidationError as e:
            raise ValueError(f"bad annotation: {e.errors(include_url=False)[0]['msg']}") from None
    if kind == "remove" and isinstance(data.get("id"), str):
        return RemoveAnnotation(data["id"])
    if kind == "review":
        document, sentence, reviewed = data.get("document"), data.get("sentence"), \
            data.get("reviewed")
        if (isinstance(document, str) and isinstance(sentence, int)
                and not isinstance(sentence, bool) and sentence >= 0
                and isinstance(reviewed, bool)):
            return SetReviewed(document, sentence, reviewed)
    raise ValueError(f"unknown or incomplete operation {kind!r}")


def encode_record(operations: list[Operation]) -> bytes:
    """One journal line (with its newline) holding the operations of one call."""
    record = {"ops": [operation_dict(op) for op in operations]}
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def decode_record(line: bytes) -> list[Operation]:
    """The operations of one journal line, or ValueError with the reason."""
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not valid JSON ({e})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    if not isinstance(record, dict) or not isinstance(record.get("ops"), list):
        raise ValueError("a record must be an object with an 'ops' list")
    return [parse_operation(op) for op in record["ops"]]


def encode_header(project_id: str, annotator: str) -> bytes:
    """The journal's first line: format, version, project id and annotator."""
    header = {"format": JOURNAL_FORMAT, "version": JOURNAL_VERSION, "project": project_id,
              "annotator": annotator}
    return (json.dumps(header, separators=(",", ":")) + "\n").encode()


@dataclass
class JournalContents:
    """What reading a journal found: the good records and what was wrong with the rest."""

    records: list[list[Operation]] = field(default_factory=list)
    """The operations of each readable record, in order."""
    good_lines: list[bytes] = field(default_factory=list)
    """The raw bytes of each readable record (with newline), for rewriting a clean journal."""
    warnings: list[str] = field(default_factory=list)
    """One readable message per ignored line."""
    clean: bool = True
    """False if any line was ignored, so the file should be rewritten before appending."""


def read_journal(path: Path, project_id: str, annotator: str) -> JournalContents:
    """Read a journal, skipping torn or corrupt lines with a warning; refuse a foreign one."""
    contents = JournalContents()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return contents
    except OSError as e:
        raise ProjectFileError(path, f"cannot read the edit journal: {e.strerror or e}") from None
    lines = data.split(b"\n")
    torn_tail = lines.pop()
    if not lines:
        if torn_tail:
            contents.clean = False
            contents.warnings.append(f"ignored a half-written journal header in {path}")
        return contents
    _check_header(path, lines[0], project_id, annotator)
    last = len(lines) - 1
    for index in range(1, len(lines)):
        line = lines[index]
        if not line.strip():
            contents.clean = False
            continue
        try:
            operations = decode_record(line)
        except ValueError as e:
            contents.clean = False
            if index == last and not torn_tail:
                contents.warnings.append(
                    f"ignored a half-written journal line at the end of {path}")
            else:
                contents.warnings.append(
                    f"ignored unreadable line {index + 1} of the journal {path}: {e}")
            continue
        contents.records.append(operations)
        contents.good_lines.append(line + b"\n")
    if torn_tail:
        contents.clean = False
        contents.warnings.append(f"ignored a half-written journal line at the end of {path}")
    return contents


def _check_header(path: Path, line: bytes, project_id: str, annotator: str) -> None:
    try:
        header = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: e.g. a 5000-digit int
        header = None
    if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
        raise ProjectFileError(path, "not an annotate edit journal (bad first line); move it "
                                     "aside to open the annotator file without it", line=1)
    version = header.get("version")
    if isinstance(version, int) and version > JOURNAL_VERSION:
        raise NewerVersionError(path, f"written by a newer version of annotate (journal version "
                                      f"{version}); upgrade annotate to open it", line=1)
    if header.get("project") != project_id:
        raise ProjectFileError(path, f"this edit journal belongs to another project (id "
                                     f"{header.get('project')}, this project is {project_id})",
                               line=1, field="project")
    if header.get("annotator") != annotator:
        raise ProjectFileError(path, f"this edit journal belongs to annotator "
                                     f"{header.get('annotator')!r}, not {annotator!r}",
                               line=1, field="annotator")


class JournalWriter:
    """Appends records to a journal, each flushed to disk before ``append`` returns."""

    def __init__(self, path: Path, project_id: str, annotator: str,
                 records: list[bytes] | None = None, *, rewrite: bool = False) -> None:
        """Open ``path`` for appending; create it (or, with ``rewrite``, replace it) with a
        header followed by ``records``."""
        self.path = path
        self.header = encode_header(project_id, annotator)
        self._fd = -1
        if rewrite or not path.exists():
            atomic_write_bytes(path, self.header + b"".join(records or []))
        self._open()

    def _open(self) -> None:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | _DSYNC)
            self.size = os.fstat(self._fd).st_size
        except OSError as e:
            raise SaveError(f"{self.path}: cannot open the edit journal: {e.strerror or e}") \
                from None

    @property
    def has_records(self) -> bool:
        """Whether the journal holds any record after its header."""
        return self.size > len(self.header)

    def append(self, operations: list[Operation]) -> None:
        """Write one record and wait until it is on disk."""
        line = encode_record(operations)
        try:
            written = 0
            while written < len(line):
                written += os.write(self._fd, line[written:])
            if not _DSYNC:
                _sync(self._fd)
        except OSError as e:
            self._cut_back()
            raise SaveError(f"{self.path}: cannot write the edit journal: {e.strerror or e}; "
                            "the change was not recorded") from None
        self.size += len(line)

    def _cut_back(self) -> None:
        """Remove a partly written record, so the next one does not run into its torn end."""
        try:
            os.ftruncate(self._fd, self.size)
        except OSError:
            with contextlib.suppress(OSError):  # at least end the torn line
                os.write(self._fd, b"\n")
                self.size = os.fstat(self._fd).st_size

    def drop_before(self, offset: int) -> None:
        """Replace the journal with its header plus the records from byte ``offset`` on."""
        try:
            if offset >= self.size:  # nothing arrived meanwhile: cut back to the header
                os.ftruncate(self._fd, len(self.header))
                _sync(self._fd)
                self.size = len(self.header)
                return
            tail = os.pread(self._fd, self.size - offset, offset)
        except OSError as e:
            raise SaveError(f"{self.path}: cannot trim the edit journal: {e.strerror or e}") \
                from None
        atomic_write_bytes(self.path, self.header + tail)
        self.close()
        self._open()

    def close(self) -> None:
        """Close the file; safe to call twice."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1


_DSYNC = getattr(os, "O_DSYNC", 0)
"""Makes each write reach the disk before it returns: one system call per record."""


def _sync(fd: int) -> None:
    """Flush a file's data (and the size needed to read it back) to the disk."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS and Windows
        os.fsync(fd)
