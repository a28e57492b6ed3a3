"""An annotator's editing session: in-memory state, undo/redo, a journal and a lock on disk.

Every mutating call appends one record to the journal and waits for it to reach the disk
before it returns, so nothing whose call returned is lost on a crash; ``save`` folds the
journal into the annotator's TOML file and may run on another thread while editing goes on.

``save`` refuses to overwrite a TOML file that another program (a git pull, an editor)
replaced since the session read or last wrote it, raising :class:`SaveConflictError`. The
session's state and the journal stay as they are; the ways forward are ``save(force=True)``
(keep this session's version), ``save_copy()`` (write it beside the file for a manual merge),
or closing and reopening the session, which reads the new file and replays the journal's
edits on top of it.
"""

from __future__ import annotations

import enum
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from annotate.errors import AnnotateError, SaveError
from annotate.journal import (
    JournalWriter,
    Operation,
    PutAnnotation,
    RemoveAnnotation,
    SetReviewed,
    journal_path,
    read_journal,
)
from annotate.lock import AnnotatorLock, lock_path
from annotate.model import (
    SCHEMA_VERSION,
    Annotation,
    AnnotatorFile,
    AttributeValue,
    Project,
    TagDef,
)
from annotate.session_state import AnnotatorState, check_attributes, check_subtype
from annotate.storage import (
    CONFLICT_MARK,
    ProjectFolder,
    annotator_file_to_toml,
    atomic_write_text,
    utc_now,
)

CONTEXT_LENGTH = 32
"""Code points of text kept before and after a span as its prefix and suffix."""


class Unset(enum.Enum):
    """The type of ``UNSET``: "leave this field as it is" in ``EditSession.update``."""

    UNSET = "unset"


UNSET = Unset.UNSET
"""Marks an ``update`` argument that was not given."""


@dataclass(frozen=True)
class Change:
    """What an undo or redo did, and where the view should go to show it."""

    description: str
    """A readable summary, e.g. "undo: add figure"."""
    document: str
    """The document the change touched."""
    start: int
    """Offset (code points) to jump to."""
    sentence: int | None = None
    """The sentence index, for review-mark changes."""


@dataclass(frozen=True)
class _Edit:
    """One undoable step: the operations that do it and the ones that revert it."""

    description: str
    document: str
    start: int
    sentence: int | None
    forward: list[Operation]
    backward: list[Operation]


def _new_id() -> str:
    return secrets.token_hex(6)


FileStamp = tuple[int, int, int, int] | None
"""Device, inode, size and modification time (ns) of a file, or None if there is none."""


def file_stamp(path: Path) -> FileStamp:
    """What identifies this version of a file without reading it; None when it is missing."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SaveError(f"{path}: cannot read its details: {e.strerror or e}") from None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class SaveConflictError(SaveError):
    """The annotator file was replaced or removed by another program since it was read."""

    title = "File changed on disk"

    def __init__(self, path: Path, removed: bool) -> None:
        what = ("was removed" if removed
                else "was replaced by another program (a git pull or an editor?)")
        super().__init__(
            f"{path} {what} since this session read it, so it was not overwritten. Your "
            "changes are safe in the journal. Reopen the file to apply them on top of the new "
            "version, save anyway to replace it with yours, or save a copy beside it.")
        self.path = path


class EditSession:
    """One annotator's open file: read it, change it, undo, save; one writer at a time."""

    def __init__(self, folder: ProjectFolder, annotator: str, *, read_only: bool = False,
                 clock: Callable[[], datetime] = utc_now,
                 new_id: Callable[[], str] | None = None, load: bool = True) -> None:
        """Take the annotator's lock (unless ``read_only``) and read the file and journal.

        With ``load=False`` only the lock is taken, so a held lock is reported at once; call
        ``load`` (on any thread) before changing anything.
        """
        self.folder = folder
        self.project: Project = folder.project
        self.annotator = annotator
        self.read_only = read_only
        self.warnings: list[str] = []
        self._path = folder.annotator_path(annotator)  # validates the name
        self._clock = clock
        self._new_id = new_id or _new_id
        self._lock = threading.RLock()
        self._save_lock = threading.Lock()
        self._state = AnnotatorState(AnnotatorFile(annotator=annotator,
                                                   project=self.project.id))
        self._used_ids: set[str] = set()
        self._undo: list[_Edit] = []
        self._redo: list[_Edit] = []
        self._journal: JournalWriter | None = None
        self._file_lock: AnnotatorLock | None = None
        self._loaded = False
        self._closed = False
        self._disk_stamp: FileStamp = None
        """The annotator file as this session last read or wrote it."""
        if not read_only:
            self._file_lock = AnnotatorLock(lock_path(folder.root, annotator))
            self._file_lock.acquire()
            self.warnings.extend(self._file_lock.warnings)
        if load:
            try:
                self.load()
            except BaseException:
                if self._file_lock is not None:
                    self._file_lock.release()
                raise

    # --- loading ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether the annotator file and journal have been read."""
        return self._loaded

    def load(self) -> None:
        """Read the annotator file and replay the journal; does nothing the second time.

        The reading happens outside the session's lock, so the UI thread can keep asking
        (empty) questions meanwhile; the new state replaces the empty one in one step.
        """
        if self._loaded:
            return
        stamp = file_stamp(self._path)  # before reading: a change meanwhile shows as one
        state = AnnotatorState(self.folder.load_annotator(self.annotator))
        warnings: list[str] = []
        path = journal_path(self.folder.root, self.annotator)
        contents = read_journal(path, self.project.id, self.annotator)
        warnings.extend(contents.warnings)
        for number, operations in enumerate(contents.records, start=1):
            for operation in operations:
                problem = self._replay_problem(operation)
                if problem:
                    warnings.append(f"skipped journal record {number} of {path}: {problem}")
                else:
                    state.apply(operation)
        with self._lock:
            if self._loaded or self._closed:
                return
            journal = None
            if not self.read_only:
                journal = JournalWriter(path, self.project.id, self.annotator,
                                        contents.good_lines, rewrite=not contents.clean)
            self._state = state
            self._disk_stamp = stamp
            self._used_ids.update(state.by_id)
            self._journal = journal
            self.warnings.extend(warnings)
            self._loaded = True

    def _replay_problem(self, operation: Operation) -> str | None:
        """Why a journaled operation no longer fits the project (e.g. its document was
        removed), or None."""
        if isinstance(operation, RemoveAnnotation):
            return None
        document = (operation.annotation.document if isinstance(operation, PutAnnotation)
                    else operation.document)
        if self.project.document(document) is None:
            return f"unknown document {document!r}"
        if isinstance(operation, PutAnnotation):
            annotation = operation.annotation
            if self.project.tag(annotation.tag) is None:
                return f"unknown tag {annotation.tag!r}"
            if annotation.end > self.folder.require_document(document).length:
                return f"span [{annotation.start}, {annotation.end}) is past the end of the text"
        return None

    # --- reading ------------------------------------------------------------------------------

    def snapshot(self) -> AnnotatorFile:
        """The current state as an annotator file (new lists; annotations are shared and must
        not be mutated)."""
        unsorted = self._unsorted_snapshot()
        unsorted.annotations.sort(key=Annotation.sort_key)
        return unsorted

    def _unsorted_snapshot(self) -> AnnotatorFile:
        """The current state with annotations in no particular order, copied quickly."""
        with self._lock:
            reviewed = self._state.reviewed()
            annotations = list(self._state.by_id.values())
        return AnnotatorFile.model_construct(
            schema_version=SCHEMA_VERSION, annotator=self.annotator, project=self.project.id,
            reviewed=reviewed, annotations=annotations)

    def annotations(self, document: str) -> list[Annotation]:
        """The document's annotations sorted by (start, end, id)."""
        with self._lock:
            return self._state.annotations(document)

    def annotations_overlapping(self, document: str, start: int, end: int) -> list[Annotation]:
        """Annotations sharing a position with [start, end) (containing ``start`` if the range
        is empty), sorted; O(log n + k)."""
        with self._lock:
            return self._state.overlapping(document, start, end)

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, if it exists."""
        with self._lock:
            return self._state.by_id.get(annotation_id)

    def is_reviewed(self, document: str, sentence: int) -> bool:
        """Whether the annotator marked this sentence reviewed."""
        with self._lock:
            return self._state.is_reviewed(document, sentence)

    def reviewed_count(self, document: str) -> int:
        """How many of the document's sentences are marked reviewed."""
        with self._lock:
            return self._state.reviewed_count(document)

    def next_unreviewed(self, document: str, after: int, total: int,
                        backwards: bool = False) -> int | None:
        """The nearest unreviewed sentence after ``after`` (before it if ``backwards``) among
        ``total`` sentences, without wrapping; None if there is none; O(log n)."""
        with self._lock:
            return self._state.next_unreviewed(document, after, total, backwards)

    def tag_counts(self, document: str) -> dict[str, int]:
        """How many annotations of each tag the document has (tags with none are absent)."""
        with self._lock:
            return self._state.tag_counts(document)

    @property
    def can_undo(self) -> bool:
        """Whether there is a change to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone change to redo."""
        return bool(self._redo)

    @property
    def dirty(self) -> bool:
        """Whether changes are in the journal but not yet folded into the TOML file."""
        journal = self._journal
        return journal is not None and journal.has_records

    # --- changing -----------------------------------------------------------------------------

    def add(self, document: str, start: int, end: int, tag: str, *, subtype: str | None = None,
            attributes: dict[str, AttributeValue] | None = None,
            note: str = "") -> Annotation:
        """Tag [start, end) of a document; quote, prefix and suffix come from its text."""
        with self._lock:
            self._check_writable()
            annotation = self._new_annotation(document, start, end, tag, subtype,
                                              dict(attributes or {}), note)
            self._commit(_Edit(f"add {tag}", document, start, None,
                               [PutAnnotation(annotation)], [RemoveAnnotation(annotation.id)]))
            return annotation

    def toggle(self, document: str, start: int, end: int, tag: str) -> Annotation | None:
        """Remove the annotations with this tag on exactly this span (returning None), or add
        one if there are none."""
        with self._lock:
            self._check_writable()
            matches = self._state.exactly(document, start, end, tag)
            if not matches:
                return self.add(document, start, end, tag)
            self._commit(_Edit(f"remove {tag}", document, start, None,
                               [RemoveAnnotation(a.id) for a in matches],
                               [PutAnnotation(a) for a in matches]))
            return None

    def update(self, annotation_id: str, *, subtype: str | Unset | None = UNSET,
               attributes: dict[str, AttributeValue] | Unset = UNSET,
               note: str | Unset = UNSET) -> Annotation:
        """Change an annotation's subtype, attributes or note, and bump its modified time."""
        with self._lock:
            self._check_writable()
            old = self._require(annotation_id)
            tag = self._require_tag(old.tag)
            changes: dict[str, Any] = {"modified": self._clock()}
            if not isinstance(subtype, Unset):
                check_subtype(tag, subtype)
                changes["subtype"] = subtype
            if not isinstance(attributes, Unset):
                check_attributes(tag, attributes)
                changes["attributes"] = dict(attributes)
            if not isinstance(note, Unset):
                changes["note"] = note
            new = old.model_copy(update=changes)
            self._commit(_Edit(f"edit {old.tag}", old.document, old.start, None,
                               [PutAnnotation(new)], [PutAnnotation(old)]))
            return new

    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation and return it."""
        with self._lock:
            self._check_writable()
            old = self._require(annotation_id)
            self._commit(_Edit(f"delete {old.tag}", old.document, old.start, None,
                               [RemoveAnnotation(old.id)], [PutAnnotation(old)]))
            return old

    def set_reviewed(self, document: str, sentence: int, reviewed: bool = True) -> None:
        """Mark a sentence reviewed (or not); no change, no journal record if already so."""
        with self._lock:
            self._check_writable()
            spans = self.folder.sentences(self.folder.require_document(document).id)
            if not 0 <= sentence < len(spans):
                raise AnnotateError(f"document {document!r} has no sentence {sentence} (it has "
                                    f"{len(spans)})", "No such sentence")
            if self.is_reviewed(document, sentence) == reviewed:
                return
            what = "mark" if reviewed else "unmark"
            self._commit(_Edit(f"{what} sentence {sentence + 1} reviewed", document,
                               spans[sentence][0], sentence,
                               [SetReviewed(document, sentence, reviewed)],
                               [SetReviewed(document, sentence, not reviewed)]))

    def undo(self) -> Change | None:
        """Revert the latest change of this session (any document); None if there is none."""
        with self._lock:
            self._check_writable()
            if not self._undo:
                return None
            edit = self._undo[-1]
            self._write(edit.backward)
            self._undo.pop()
            self._redo.append(edit)
            return Change(f"undo: {edit.description}", edit.document, edit.start, edit.sentence)

    def redo(self) -> Change | None:
        """Repeat the latest undone change; None if there is none."""
        with self._lock:
            self._check_writable()
            if not self._redo:
                return None
            edit = self._redo[-1]
            self._write(edit.forward)
            self._redo.pop()
            self._undo.append(edit)
            return Change(f"redo: {edit.description}", edit.document, edit.start, edit.sentence)

    # --- saving -------------------------------------------------------------------------------

    def save(self, *, force: bool = False) -> None:
        """Fold the journal into the TOML file (atomically), then trim the journal; safe to
        call from another thread while editing continues.

        Raises :class:`SaveConflictError` if another program replaced or removed the file
        since the session read or wrote it (unless ``force``); nothing is lost then.
        """
        with self._save_lock:
            with self._lock:
                journal = self._journal
                if journal is None or not journal.has_records:
                    return
                folded_up_to = journal.size
                snapshot = self._unsorted_snapshot()  # the TOML writer sorts, off the lock
                expected = self._disk_stamp
            text = annotator_file_to_toml(snapshot)
            current = file_stamp(self._path)
            if current != expected and not force:
                raise SaveConflictError(self._path, removed=current is None)
            atomic_write_text(self._path, text)
            written = file_stamp(self._path)
            with self._lock:
                self._disk_stamp = written
                journal.drop_before(folded_up_to)

    @property
    def changed_on_disk(self) -> bool:
        """Whether another program replaced or removed the file since this session read or
        wrote it (so a plain ``save`` would raise :class:`SaveConflictError`)."""
        with self._lock:
            if not self._loaded:
                return False
            expected = self._disk_stamp
        return file_stamp(self._path) != expected

    def save_copy(self, moment: datetime | None = None) -> Path:
        """Write the current state to ``<annotator>.conflict-<UTC time>.toml`` beside the
        annotator file and return its path; the journal and the file itself are untouched."""
        when = (moment or self._clock()).strftime("%Y%m%dT%H%M%SZ")
        path = self._path.with_name(f"{self.annotator}{CONFLICT_MARK}{when}.toml")
        atomic_write_text(path, annotator_file_to_toml(self._unsorted_snapshot()))
        return path

    def close(self) -> None:
        """Save, then release the lock; safe to call twice."""
        if self._closed:
            return
        try:
            self.save()
        finally:
            with self._lock:
                self._closed = True
                if self._journal is not None:
                    self._journal.close()
                    self._journal = None
                if self._file_lock is not None:
                    self._file_lock.release()

    def __enter__(self) -> EditSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # --- internals ----------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if not self._loaded:
            raise AnnotateError(f"{self.annotator}'s annotations are still being read; "
                                "try again in a moment", "Still loading")
        if self.read_only:
            raise AnnotateError(f"read-only: {self.annotator}'s file is open read-only; "
                                "changes are not possible", "Read-only")
        if self._closed:
            raise AnnotateError("the session is closed; reopen the file to make changes",
                                "Session closed")

    def _require(self, annotation_id: str) -> Annotation:
        annotation = self._state.by_id.get(annotation_id)
        if annotation is None:
            raise AnnotateError(f"no annotation with id {annotation_id!r}", "Unknown annotation")
        return annotation

    def _require_tag(self, tag_id: str) -> TagDef:
        tag = self.project.tag(tag_id)
        if tag is None:
            known = ", ".join(t.id for t in self.project.tags) or "(none)"
            raise AnnotateError(f"unknown tag {tag_id!r}; known: {known}", "Unknown tag")
        return tag

    def _new_annotation(self, document: str, start: int, end: int, tag_id: str,
                        subtype: str | None, attributes: dict[str, AttributeValue],
                        note: str) -> Annotation:
        self.folder.require_document(document)
        text = self.folder.text(document)
        if not 0 <= start < end <= len(text):
            raise AnnotateError(f"span [{start}, {end}) is empty or outside document "
                                f"{document!r} ({len(text)} characters)", "Bad span")
        tag = self._require_tag(tag_id)
        check_subtype(tag, subtype)
        check_attributes(tag, attributes)
        now = self._clock()
        return Annotation(
            id=self._fresh_id(), document=document, start=start, end=end,
            quote=text[start:end], prefix=text[max(0, start - CONTEXT_LENGTH):start],
            suffix=text[end:end + CONTEXT_LENGTH], tag=tag.id, subtype=subtype,
            attributes=attributes, note=note, created=now, modified=now)

    def _fresh_id(self) -> str:
        for _ in range(1000):
            candidate = self._new_id()
            if candidate not in self._used_ids:
                self._used_ids.add(candidate)
                return candidate
        raise AnnotateError("could not find an unused annotation id", "Id generator")

    def _commit(self, edit: _Edit) -> None:
        self._write(edit.forward)
        self._undo.append(edit)
        self._redo.clear()

    def _write(self, operations: list[Operation]) -> None:
        """Journal the operations (on disk before returning), then apply them in memory."""
        assert self._journal is not None
        self._journal.append(operations)
        for operation in operations:
            self._state.apply(operation)
            if isinstance(operation, PutAnnotation):
                self._used_ids.add(operation.annotation.id)
