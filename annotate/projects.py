"""Project-level operations: create a project, add documents, check and summarise it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from annotate.errors import AnnotateError, DocumentError, ProjectFileError, UsageError
from annotate.model import Document, Project, SentenceFile
from annotate.segmentation import segment
from annotate.storage import (
    ANNOTATIONS_DIR,
    CONFLICT_MARK,
    DOCUMENTS_DIR,
    PROJECT_FILE,
    SENTENCES_DIR,
    ProjectFolder,
    atomic_write_bytes,
    atomic_write_text,
    check_annotations,
    load_annotator_file,
    open_project,
    read_utf8,
    save_project,
    sentences_to_toml,
    sha256_text,
)
from annotate.tagset import GUIDELINES, default_tags

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""Largest document ``add`` accepts; larger texts should be split first."""


def init_project(root: Path, title: str, description: str = "") -> ProjectFolder:
    """Create a new project folder with the default tag set and no documents."""
    if (root / PROJECT_FILE).exists():
        raise UsageError(f"{root}: already a project (has {PROJECT_FILE})")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: exists and is not a folder")
    if root.exists() and any(root.iterdir()):
        raise UsageError(f"{root}: folder is not empty; choose a new or empty folder")
    project = Project(id=secrets.token_hex(8), title=title, description=description,
                      guidelines=GUIDELINES, tags=default_tags())
    try:
        for sub in (DOCUMENTS_DIR, ANNOTATIONS_DIR, SENTENCES_DIR):
            (root / sub).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{root}: cannot create the project folder: {e.strerror or e}") from None
    save_project(root, project)
    return ProjectFolder(root=root, project=project)


def document_id_for(name: str, taken: set[str]) -> str:
    """A kebab-case id from a file name, made unique against ``taken``."""
    stem = Path(name).stem.lower()
    base = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:56] or "document"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


@dataclass
class AddedDocument:
    """What ``add_document`` did."""

    document: Document
    sentence_count: int


def check_document_size(source: Path | str, size: int) -> None:
    """Refuse a text over ``MAX_DOCUMENT_BYTES`` before reading it, saying what to do."""
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(source, f"too large ({size / 1e6:.0f} MB; the limit is "
                                    f"{MAX_DOCUMENT_BYTES / 1e6:.0f} MB): split it into parts")


def read_document_source(source: Path) -> str:
    """A text to add or segment, refused if missing or over the size limit."""
    try:
        size = source.stat().st_size
    except FileNotFoundError:
        raise DocumentError(source, "file not found") from None
    except OSError as e:
        raise DocumentError(source, f"cannot read: {e.strerror or e}") from None
    check_document_size(source, size)
    return read_utf8(source, DocumentError)


def add_document(folder: ProjectFolder, source: Path, *, document_id: str | None = None,
                 title: str | None = None) -> AddedDocument:
    """Copy a UTF-8 text into the project, segment it once, and record it in project.toml."""
    text = read_document_source(source)
    project = folder.project
    taken = {d.id for d in project.documents}
    if document_id is None:
        document_id = document_id_for(source.name, taken)
    elif document_id in taken:
        raise UsageError(f"the project already has a document {document_id!r}")
    digest = sha256_text(text)
    for existing in project.documents:
        if existing.sha256 == digest:
            raise UsageError(f"{source}: the project already has this text as "
                             f"{existing.id!r}")
    spans = segment(text, project.segmentation)
    document = Document(id=document_id, title=title or source.stem, sha256=digest,
                        path=f"{DOCUMENTS_DIR}/{document_id}.txt",
                        sentences=f"{SENTENCES_DIR}/{document_id}.toml", length=len(text))
    sentence_file = SentenceFile(document=document_id, sha256=digest,
                                 method=project.segmentation.method, spans=spans)
    # The copy is the text that was read and hashed (a second read could see another version);
    # a byte-order mark, which the hash ignores, is not copied.
    atomic_write_bytes(folder.root / document.path, text.encode("utf-8"))
    atomic_write_text(folder.root / document.sentences, sentences_to_toml(sentence_file))
    folder.project = project.model_copy(update={"documents": [*project.documents, document]})
    save_project(folder.root, folder.project)
    return AddedDocument(document=document, sentence_count=len(spans))


@dataclass
class ValidationReport:
    """Every problem ``validate_project`` found, and what it checked."""

    problems: list[AnnotateError] = field(default_factory=list)
    changed_documents: list[str] = field(default_factory=list)
    """Ids of documents whose text changed since they were added (see ``annotate reanchor``)."""
    documents: int = 0
    annotator_files: int = 0
    annotations: int = 0


def changed_document_problem(folder: ProjectFolder, document_id: str,
                             error: DocumentError) -> DocumentError:
    """The changed-text error with a dry run of re-anchoring appended, one line per file."""
    from annotate.reanchor import plan_change, report_lines

    try:
        change = plan_change(folder, document_id)
    except AnnotateError as e:
        preview = [f"  (cannot preview re-anchoring: {e})"]
    else:
        preview = report_lines(change, folder.root, details=False, dry_run=True)
    return DocumentError(error.path, "\n".join([error.problem, *preview]))


def validate_project(root: Path) -> ValidationReport:
    """Check project.toml, every document, sentence file and annotator file; collect problems."""
    report = ValidationReport()
    folder = open_project(root)  # a broken project.toml stops everything else
    texts: dict[str, str] = {}
    sentence_counts: dict[str, int] = {}
    for document in folder.project.documents:
        report.documents += 1
        try:
            texts[document.id] = folder.text(document.id)
            sentence_counts[document.id] = len(folder.sentences(document.id))
        except DocumentError as e:
            from annotate.reanchor import text_changed

            if text_changed(folder, document):
                report.changed_documents.append(document.id)
                e = changed_document_problem(folder, document.id, e)
            report.problems.append(e)
        except AnnotateError as e:
            report.problems.append(e)
    annotations_dir = folder.root / ANNOTATIONS_DIR
    paths = sorted(annotations_dir.glob("*.toml")) if annotations_dir.is_dir() else []
    for path in paths:
        if path.name.startswith("."):
            continue
        if CONFLICT_MARK in path.name:
            owner = path.name.split(CONFLICT_MARK)[0]
            report.problems.append(ProjectFileError(
                path, f"a copy saved when {owner}.toml changed on disk; merge what you need "
                      f"into {owner}.toml, then delete this copy"))
            continue
        report.annotator_files += 1
        try:
            annotator_file = load_annotator_file(path)
        except ProjectFileError as e:
            report.problems.append(e)
            continue
        report.annotations += len(annotator_file.annotations)
        if annotator_file.annotator != path.stem:
            report.problems.append(ProjectFileError(
                path, f"annotator {annotator_file.annotator!r} does not match the file name",
                field="annotator"))
        report.problems.extend(check_annotations(annotator_file, folder.project, path, texts,
                                                 sentence_counts))
    return report
