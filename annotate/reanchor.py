"""Bring a project up to date with a document whose text changed: plan, back up, rewrite.

The plan re-segments the new text, re-anchors every annotator's annotations on it and carries
review marks over (see ``annotate.anchoring``). Applying it takes every annotator's lock, keeps
a backup of each file it replaces, then writes the annotator files, the sentence file and
finally project.toml. A marker file records which annotator files are done, so a run that was
interrupted can simply be repeated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotate.anchoring import (
    Anchored,
    Outcome,
    ReviewedMapping,
    known_sentence_texts,
    map_reviewed,
    map_sentences,
    reanchor_annotations,
    sentence_texts,
)
from annotate.errors import AnnotateError, DocumentError, ProjectFileError, SaveError
from annotate.journal import PutAnnotation, RemoveAnnotation, journal_path, read_journal
from annotate.lock import AnnotatorLock, lock_path
from annotate.model import (
    Annotation,
    AnnotatorFile,
    Document,
    SentenceFile,
    annotator_name_problem,
    relative_path_problem,
)
from annotate.segmentation import segment
from annotate.storage import (
    ANNOTATIONS_DIR,
    ProjectFolder,
    atomic_write_text,
    load_annotator_file,
    load_model,
    read_utf8,
    save_annotator_file,
    save_project,
    sentences_to_toml,
    sha256_text,
)

GIT_TIMEOUT_SECONDS = 10.0
"""How long a git lookup of the old text may take before it is given up."""

GIT_HISTORY_DEPTH = 50
"""How many commits of a document's history are searched for its recorded version."""


@dataclass
class AnnotatorChanges:
    """What re-anchoring does to one annotator's file."""

    annotator: str
    path: Path
    updated: AnnotatorFile
    """The file as it will be written."""
    anchored: list[Anchored]
    reviewed: ReviewedMapping
    journal_records: int = 0
    """Unsaved edits found in the annotator's journal and folded in."""
    warnings: list[str] = field(default_factory=list)
    read_digests: dict[Path, str | None] = field(default_factory=dict)
    """SHA-256 of the annotator file and journal as read (None: absent), to notice a
    replacement before writing."""

    def count(self, outcome: Outcome) -> int:
        """How many of this file's annotations of the document had ``outcome``."""
        return sum(1 for a in self.anchored if a.outcome is outcome)


@dataclass
class DocumentChange:
    """The plan for one changed document."""

    document: Document
    text_path: Path
    new_sha256: str
    new_length: int
    old_spans: list[tuple[int, int]]
    new_spans: list[tuple[int, int]]
    old_text_source: str
    """Where the old sentence texts came from, for the report."""
    annotators: list[AnnotatorChanges] = field(default_factory=list)


@dataclass
class AppliedChange:
    """What ``apply_change`` wrote and where it kept the previous files."""

    change: DocumentChange
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)


# --- detecting and planning ------------------------------------------------------------------

def text_changed(folder: ProjectFolder, document: Document) -> bool:
    """Whether the document's text is readable but differs from the recorded SHA-256."""
    try:
        text = read_utf8(folder.root / document.path, DocumentError)
    except DocumentError:
        return False
    return sha256_text(text) != document.sha256


def changed_document_ids(folder: ProjectFolder) -> list[str]:
    """Ids of documents whose text no longer has the recorded SHA-256 (unreadable ones aside)."""
    return [d.id for d in folder.project.documents if text_changed(folder, d)]


def old_text_from_git(root: Path, document: Document) -> tuple[str, str] | None:
    """The recorded version of a document from git history, with the commit, if git has it."""
    relative = f"./{document.path}"
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", f"-n{GIT_HISTORY_DEPTH}", "--format=%H", "--",
             document.path], capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if log.returncode != 0:
        return None
    for commit in log.stdout.decode("ascii", "replace").split():
        try:
            shown = subprocess.run(["git", "-C", str(root), "show", f"{commit}:{relative}"],
                                   capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if shown.returncode != 0:
            continue
        try:
            text = shown.stdout.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        if sha256_text(text) == document.sha256:
            return text, commit[:10]
    return None


def annotator_names_with_journals(folder: ProjectFolder) -> list[str]:
    """Annotators with a file or an edit journal in the project, sorted."""
    names = set(folder.annotator_names())
    annotations_dir = folder.root / ANNOTATIONS_DIR
    if annotations_dir.is_dir():
        for path in annotations_dir.glob(".*.journal"):
            name = path.name[1:-len(".journal")]
            if name and annotator_name_problem(name) is None:
                names.add(name)
    return sorted(names)


def current_annotator_file(folder: ProjectFolder, annotator: str) -> tuple[AnnotatorFile, int,
                                                                              list[str]]:
    """An annotator's file with its journal's unsaved edits folded in (checked structurally)."""
    path = folder.annotator_path(annotator)
    if path.exists():
        stored = load_annotator_file(path)
    else:
        stored = AnnotatorFile(annotator=annotator, project=folder.project.id)
    contents = read_journal(journal_path(folder.root, annotator), folder.project.id, annotator)
    if not contents.records:
        return stored, 0, contents.warnings
    by_id = {a.id: a for a in stored.annotations}
    reviewed = {doc: set(ix) for doc, ix in stored.reviewed.items()}
    for operations in contents.records:
        for operation in operations:
            if isinstance(operation, PutAnnotation):
                by_id[operation.annotation.id] = operation.annotation
            elif isinstance(operation, RemoveAnnotation):
                by_id.pop(operation.annotation_id, None)
            elif operation.reviewed:
                reviewed.setdefault(operation.document, set()).add(operation.sentence)
            else:
                reviewed.get(operation.document, set()).discard(operation.sentence)
    folded = AnnotatorFile(
        annotator=annotator, project=stored.project,
        reviewed={doc: sorted(ix) for doc, ix in reviewed.items() if ix},
        annotations=sorted(by_id.values(), key=Annotation.sort_key))
    return folded, len(contents.records), contents.warnings


def plan_change(folder: ProjectFolder, document_id: str, *, old_text: str | None = None,
                old_text_source: str = "", use_git: bool = True) -> DocumentChange:
    """Work out everything re-anchoring ``document_id`` would do, without writing anything."""
    document = folder.require_document(document_id)
    text_path = folder.root / document.path
    new_text = read_utf8(text_path, DocumentError)
    new_sha = sha256_text(new_text)
    if new_sha == document.sha256:
        raise AnnotateError(f"{text_path}: the text has not changed since it was added; "
                            "nothing to re-anchor", "Nothing to do")
    marker = _read_marker(folder, document, new_sha)
    old_spans = _old_spans(folder, document, marker)
    if old_text is not None and sha256_text(old_text) != document.sha256:
        raise DocumentError(text_path, f"the old text given is not the version recorded for "
                                       f"{document.id!r} (its SHA-256 differs from "
                                       "project.toml)")
    if old_text is None and use_git:
        found = old_text_from_git(folder.root, document)
        if found is not None:
            old_text, old_text_source = found[0], f"git commit {found[1]}"
    new_spans = segment(new_text, folder.project.segmentation)
    change = DocumentChange(
        document=document, text_path=text_path, new_sha256=new_sha, new_length=len(new_text),
        old_spans=old_spans, new_spans=new_spans,
        old_text_source=old_text_source if old_text is not None else "")
    new_sentences = sentence_texts(new_text, new_spans)
    shared_old: list[str | None] | None = None
    if old_text is not None:
        shared_old = list(sentence_texts(old_text, old_spans))
    for annotator in annotator_names_with_journals(folder):
        read_digests = {path: _digest(path) for path in (
            folder.annotator_path(annotator), journal_path(folder.root, annotator))}
        current, records, warnings = current_annotator_file(folder, annotator)
        ours = [a for a in current.annotations if a.document == document.id]
        if not ours and document.id not in current.reviewed and not records:
            continue  # nothing of this document in the file: leave it untouched
        anchored = reanchor_annotations(ours, document.id, new_text)
        old_sentences = shared_old if shared_old is not None else \
            known_sentence_texts(old_spans, ours)
        old_reviewed = current.reviewed.get(document.id, [])
        if annotator in marker.done:
            mapping = ReviewedMapping(reviewed=list(old_reviewed))  # already carried over
        else:
            mapping = map_reviewed(old_reviewed, map_sentences(
                old_sentences, new_sentences, [end - start for start, end in old_spans]))
        others = [a for a in current.annotations if a.document != document.id]
        reviewed = dict(current.reviewed)
        reviewed[document.id] = mapping.reviewed
        updated = AnnotatorFile(
            annotator=annotator, project=current.project,
            reviewed={doc: ix for doc, ix in reviewed.items() if ix},
            annotations=sorted([*others, *(a.annotation for a in anchored)],
                               key=Annotation.sort_key))
        change.annotators.append(AnnotatorChanges(
            annotator=annotator, path=folder.annotator_path(annotator), updated=updated,
            anchored=anchored, reviewed=mapping, journal_records=records, warnings=warnings,
            read_digests=read_digests))
    if shared_old is None:
        change.old_text_source = ("annotations' quotes and positions only (the old text was "
                                  "not found; give it with --old-text FILE to match every "
                                  "sentence by its text)")
    return change


def _old_spans(folder: ProjectFolder, document: Document,
               marker: _Progress) -> list[tuple[int, int]]:
    """The old sentence spans: from the sentence file, or its backup after an interrupted run."""
    if marker.sentence_backup is not None:
        path = folder.root / marker.sentence_backup
        sentence_file = load_model(SentenceFile, path)
        if sentence_file.sha256 != document.sha256:
            raise ProjectFileError(path, "this backup is of another version of the text",
                                   field="sha256")
        return list(sentence_file.spans)
    return list(folder.sentences(document.id))


# --- applying ---------------------------------------------------------------------------------

def _digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ProjectFileError(path, f"cannot read: {e.strerror or e}") from None


def _check_unchanged(annotator: AnnotatorChanges) -> None:
    """Refuse to overwrite an annotator file or journal replaced since the plan read it."""
    for path, digest in annotator.read_digests.items():
        if _digest(path) != digest:
            raise AnnotateError(
                f"{path}: changed on disk while re-anchoring (another program replaced it); "
                "it was left as it is: run 'annotate reanchor' again", "File changed")

def _marker_path(folder: ProjectFolder, document: Document) -> Path:
    return folder.root / ANNOTATIONS_DIR / f".reanchor-{document.id}.json"


@dataclass
class _Progress:
    """How far an interrupted run of the same change got."""

    sentence_backup: str | None = None
    """The old sentence file's backup, relative to the project folder."""
    done: list[str] = field(default_factory=list)
    """Annotators whose files were already rewritten."""


def _read_marker(folder: ProjectFolder, document: Document, new_sha: str) -> _Progress:
    """The progress of an interrupted run of this same change (empty if there was none)."""
    path = _marker_path(folder, document)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _Progress()
    if not isinstance(data, dict) or data.get("from") != document.sha256 \
            or data.get("to") != new_sha:
        return _Progress()
    backup = data.get("sentence_backup")
    if not isinstance(backup, str) or relative_path_problem(backup) is not None:
        backup = None
    done = data.get("done")
    return _Progress(backup,
                     [n for n in done if isinstance(n, str)] if isinstance(done, list) else [])


def _write_marker(folder: ProjectFolder, change: DocumentChange, sentence_backup: Path,
                  done: list[str]) -> None:
    data = {"from": change.document.sha256, "to": change.new_sha256,
            "sentence_backup": sentence_backup.relative_to(folder.root).as_posix(),
            "done": done}
    atomic_write_text(_marker_path(folder, change.document), json.dumps(data, indent=1) + "\n")


def _backup(path: Path, stamp: str) -> Path | None:
    """Copy ``path`` to a hidden ``.<name>.bak-<stamp>`` beside it; None if it does not exist."""
    if not path.exists():
        return None
    target = path.with_name(f".{path.name.lstrip('.')}.bak-{stamp}")
    try:
        shutil.copy2(path, target)
    except OSError as e:
        raise SaveError(f"{target}: cannot keep a backup of {path.name}: {e.strerror or e}; "
                        "nothing was changed") from None
    return target


def apply_change(folder: ProjectFolder, document_id: str, now: datetime, *,
                 old_text: str | None = None, old_text_source: str = "",
                 use_git: bool = True) -> AppliedChange:
    """Re-anchor ``document_id`` for real: lock, plan, back up, write; refuses if a file is open."""
    locks: list[AnnotatorLock] = []
    try:
        for annotator in annotator_names_with_journals(folder):
            lock = AnnotatorLock(lock_path(folder.root, annotator))
            lock.acquire()
            locks.append(lock)
        change = plan_change(folder, document_id, old_text=old_text,
                             old_text_source=old_text_source, use_git=use_git)
        return _write_change(folder, change, now.strftime("%Y%m%dT%H%M%SZ"))
    finally:
        for lock in locks:
            lock.release()


def _write_change(folder: ProjectFolder, change: DocumentChange, stamp: str) -> AppliedChange:
    applied = AppliedChange(change)
    document = change.document
    sentence_path = folder.root / document.sentences
    marker = _read_marker(folder, document, change.new_sha256)
    done = list(marker.done)
    if marker.sentence_backup is not None:
        sentence_backup = folder.root / marker.sentence_backup
    else:
        backup = _backup(sentence_path, stamp)
        if backup is None:
            raise ProjectFileError(sentence_path, "file not found")
        sentence_backup = backup
        applied.backups.append(backup)
    _write_marker(folder, change, sentence_backup, done)
    for annotator in change.annotators:
        _check_unchanged(annotator)
        journal = journal_path(folder.root, annotator.annotator)
        for path in (annotator.path, journal):
            kept = _backup(path, stamp) if annotator.annotator not in done else None
            if kept is not None:
                applied.backups.append(kept)
        save_annotator_file(annotator.path, annotator.updated)
        applied.written.append(annotator.path)
        if journal.exists():
            try:
                journal.unlink()
            except OSError as e:
                raise SaveError(f"{journal}: cannot remove the folded edit journal: "
                                f"{e.strerror or e}") from None
        done.append(annotator.annotator)
        _write_marker(folder, change, sentence_backup, done)
    sentence_file = SentenceFile(document=document.id, sha256=change.new_sha256,
                                 method=folder.project.segmentation.method,
                                 spans=change.new_spans)
    atomic_write_text(sentence_path, sentences_to_toml(sentence_file))
    applied.written.append(sentence_path)
    updated_document = document.model_copy(update={"sha256": change.new_sha256,
                                                   "length": change.new_length})
    folder.project = folder.project.model_copy(update={"documents": [
        updated_document if d.id == document.id else d for d in folder.project.documents]})
    save_project(folder.root, folder.project)
    applied.written.append(folder.project_path)
    with contextlib.suppress(OSError):
        _marker_path(folder, document).unlink()
    return applied


# --- reporting --------------------------------------------------------------------------------

def _short(text: str, limit: int = 40) -> str:
    from annotate.textsafe import visible

    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(visible(shown))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def report_lines(change: DocumentChange, root: Path, *, details: bool = True,
                 dry_run: bool = False) -> list[str]:
    """A readable account of a change: per annotator file, what moved, was orphaned or lost.

    Without ``details`` only what needs attention is listed: orphaned annotations and review
    marks that are lost; moves are only counted.
    """
    verb = "would " if dry_run else ""
    lines = [f"{_relative(change.text_path, root)}: the text changed (sha256 "
             f"{change.document.sha256[:12]}… -> {change.new_sha256[:12]}…); sentences "
             f"{len(change.old_spans)} -> {len(change.new_spans)}; review marks matched "
             f"using {change.old_text_source}"]
    if not change.annotators:
        lines.append("  no annotator file has anything on this document")
    for annotator in change.annotators:
        kept, moved = annotator.count(Outcome.KEPT), annotator.count(Outcome.MOVED)
        orphaned = annotator.count(Outcome.ORPHANED)
        mapping = annotator.reviewed
        folded = (f"; {annotator.journal_records} unsaved edits from the journal folded in"
                  if annotator.journal_records else "")
        lines.append(
            f"  {_relative(annotator.path, root)}: {verb}keep {kept}, {verb}move {moved}, "
            f"{verb}orphan {orphaned} annotations; review marks: {len(mapping.reviewed)} "
            f"carried over ({len(mapping.moved)} renumbered), {len(mapping.lost)} "
            f"{verb}become unreviewed{folded}")
        for anchored in annotator.anchored:
            ann = anchored.annotation
            if anchored.outcome is Outcome.MOVED and details:
                lines.append(f"    moved {ann.id} ({ann.tag}) [{anchored.old_start}, "
                             f"{anchored.old_end}) -> [{ann.start}, {ann.end}) "
                             f"{_short(ann.quote)}: {anchored.detail}")
            elif anchored.outcome is Outcome.ORPHANED:
                lines.append(f"    orphaned {ann.id} ({ann.tag}) [{anchored.old_start}, "
                             f"{anchored.old_end}) {_short(ann.quote)}: {anchored.detail}; "
                             "kept with orphaned = true")
        if mapping.lost:
            shown = ", ".join(str(i) for i in mapping.lost[:20])
            more = f" and {len(mapping.lost) - 20} more" if len(mapping.lost) > 20 else ""
            lines.append(f"    unreviewed again: old sentences {shown}{more} (no matching "
                         "sentence in the new text)")
        lines.extend(f"    note: {warning}" for warning in annotator.warnings)
    return lines
