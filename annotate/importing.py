"""Read a JSON, JSON Lines or W3C export back into one annotator's file.

The import never overwrites and never drops silently: a claim whose id is already in the
target file is skipped when its content is identical and reported otherwise; a claim whose
quote is no longer at its offsets is re-anchored (the occurrence of the quote whose prefix and
suffix match best, nearest the old position) or reported. Reported problems stop the import
before anything is written, unless the caller asks for a partial import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from annotate.anchoring import context_around, find_quote
from annotate.errors import AnnotateError, FileProblem, ProblemList, ProjectFileError, UsageError
from annotate.export import current_annotator_file, sentence_index
from annotate.export_model import EXPORT_SCHEMA_VERSION, Export, ExportClaim, ExportReviewed
from annotate.export_w3c import AnnotationShapeError, annotation_to_claim, collection_items
from annotate.journal import journal_path
from annotate.lock import AnnotatorLock, lock_path
from annotate.model import Annotation, AnnotatorFile
from annotate.storage import ProjectFolder, check_annotations, read_utf8
from annotate.storage import validate_model as _validate

"""Code points of prefix and suffix recorded around a re-anchored quote."""

_W3C_FIELDS = {"start": "target.selector.start", "end": "target.selector.end",
               "quote": "target.selector.exact", "prefix": "target.selector.prefix",
               "suffix": "target.selector.suffix", "tag": "body", "note": "body",
               "created": "created", "modified": "modified"}
"""Where a claim field lives in a W3C annotation, for error messages."""


@dataclass
class ImportedClaim:
    """A claim read from the file, with where it was found (for messages)."""

    claim: ExportClaim
    where: str


@dataclass
class ParsedImport:
    """Everything read from an export file."""

    path: Path
    format: str
    claims: list[ImportedClaim]
    reviewed: list[ExportReviewed] = field(default_factory=list)
    project_id: str | None = None


def _located(path: Path, error: ProjectFileError, *, line: int | None = None,
             prefix: str = "") -> FileProblem:
    detail = error.field or ""
    where = f"{prefix}.{detail}" if prefix and detail else prefix or detail
    return FileProblem(path, error.problem, line=line, field=where or None)


def _check_version(path: Path, version: Any, where: str) -> None:
    if isinstance(version, int) and not isinstance(version, bool) and (
            version > EXPORT_SCHEMA_VERSION):
        raise FileProblem(path, f"written by a newer version of annotate (schema_version "
                                f"{version}; this version reads up to {EXPORT_SCHEMA_VERSION})",
                          field=where)


def _beyond_limits(error: RecursionError | ValueError) -> str:
    """Why JSON that is well formed still cannot be read (too deep, or a number too long)."""
    if isinstance(error, RecursionError):
        return "not readable: arrays or objects are nested too deeply"
    return f"not readable: {error}"


def read_import_file(path: Path) -> ParsedImport:
    """Parse a JSON, JSON Lines or W3C export, failing on the first wrong-shaped part."""
    text = read_utf8(path, ProjectFileError)
    if not text.strip():
        raise FileProblem(path, "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":
            return _read_jsonl(path, text)
        raise FileProblem(path, f"not valid JSON: {e.msg}", line=e.lineno,
                          column=e.colno) from None
    except (RecursionError, ValueError) as e:
        raise FileProblem(path, _beyond_limits(e)) from None
    if isinstance(data, dict) and "claims" in data and "@context" not in data:
        _check_version(path, data.get("schema_version"), "schema_version")
        export = _validate(Export, path, "", data)
        claims = [ImportedClaim(c, f"claims[{i}]") for i, c in enumerate(export.claims)]
        return ParsedImport(path, "json", claims, export.reviewed, export.project.id)
    if isinstance(data, dict) and "quote" in data and "@context" not in data:
        return _read_jsonl(path, text)
    if isinstance(data, dict | list):
        return _read_w3c(path, data)
    raise FileProblem(path, "not an annotate export: expected a JSON object with \"claims\", "
                            "JSON Lines of claims, or a W3C AnnotationCollection")


def _read_jsonl(path: Path, text: str) -> ParsedImport:
    claims: list[ImportedClaim] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise FileProblem(path, f"not valid JSON: {e.msg}", line=number,
                              column=e.colno) from None
        except (RecursionError, ValueError) as e:
            raise FileProblem(path, _beyond_limits(e), line=number) from None
        try:
            claim = _validate(ExportClaim, path, "", raw)
        except ProjectFileError as e:
            raise _located(path, e, line=number) from None
        claims.append(ImportedClaim(claim, f"line {number}"))
    return ParsedImport(path, "jsonl", claims)


def _read_w3c(path: Path, data: Any) -> ParsedImport:
    try:
        items, base = collection_items(data)
    except AnnotationShapeError as e:
        raise FileProblem(path, e.problem, field=e.field or None) from None
    claims: list[ImportedClaim] = []
    for index, item in enumerate(items):
        where = f"{base}[{index}]"
        try:
            raw = annotation_to_claim(item)
        except AnnotationShapeError as e:
            raise FileProblem(path, e.problem, field=f"{where}.{e.field}") from None
        try:
            claim = _validate(ExportClaim, path, "", raw)
        except ProjectFileError as e:
            name = (e.field or "").split(".")[0].split("[")[0]
            inner = _W3C_FIELDS.get(name, f"annotate:claim.{e.field}")
            raise FileProblem(path, e.problem, field=f"{where}.{inner}") from None
        claims.append(ImportedClaim(claim, where))
    header = data.get("annotate:export") if isinstance(data, dict) else None
    project_id = None
    if isinstance(header, dict):
        _check_version(path, header.get("schema_version"), "annotate:export.schema_version")
        project = header.get("project")
        project_id = project.get("id") if isinstance(project, dict) else None
    reviewed: list[ExportReviewed] = []
    raw_reviewed = data.get("annotate:reviewed", []) if isinstance(data, dict) else []
    for index, entry in enumerate(raw_reviewed if isinstance(raw_reviewed, list) else []):
        try:
            reviewed.append(_validate(ExportReviewed, path, "", entry))
        except ProjectFileError as e:
            raise _located(path, e, prefix=f"annotate:reviewed[{index}]") from None
    return ParsedImport(path, "w3c", claims, reviewed, project_id)


@dataclass
class ImportReport:
    """What an import did, and every claim it moved or left out."""

    annotator: str
    path: Path
    added: int = 0
    unchanged: int = 0
    moved: int = 0
    left_out: int = 0
    reviewed_added: int = 0
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the user."""
        return (f"imported {self.added:,} claims into {self.path} ({self.unchanged:,} already "
                f"there, {self.moved:,} re-anchored, {self.left_out:,} left out); "
                f"{self.reviewed_added:,} sentences newly marked reviewed")


def _select(parsed: ParsedImport, source: str | None) -> tuple[list[ImportedClaim],
                                                                list[ExportReviewed]]:
    names = sorted({c.claim.annotator for c in parsed.claims}
                   | {r.annotator for r in parsed.reviewed})
    if source is None:
        if len(names) > 1:
            raise UsageError(f"{parsed.path} holds claims by several annotators "
                             f"({', '.join(names)}); choose one with --from NAME")
        return parsed.claims, parsed.reviewed
    if source not in names:
        raise UsageError(f"{parsed.path} has nothing by {source!r}; it has: "
                         f"{', '.join(names) or '(no claims)'}")
    return ([c for c in parsed.claims if c.claim.annotator == source],
            [r for r in parsed.reviewed if r.annotator == source])


def import_claims(folder: ProjectFolder, path: Path, annotator: str, *,
                  source: str | None = None, partial: bool = False) -> ImportReport:
    """Merge the claims of an export file into ``annotator``'s file and save it atomically.

    The annotator's lock is held throughout, so a live annotate session on that file makes the
    import fail, and no session can start while it runs.
    """
    folder.annotator_path(annotator)
    parsed = read_import_file(path)
    claims, reviewed_entries = _select(parsed, source)
    lock = AnnotatorLock(lock_path(folder.root, annotator))
    lock.acquire()
    try:
        report = _merge(folder, parsed, claims, reviewed_entries, annotator, partial)
        report.messages[:0] = lock.warnings
    finally:
        lock.release()
    return report


def _merge(folder: ProjectFolder, parsed: ParsedImport, claims: list[ImportedClaim],
           reviewed_entries: list[ExportReviewed], annotator: str,
           partial: bool) -> ImportReport:
    path = parsed.path
    target_path = folder.annotator_path(annotator)
    target, warnings = current_annotator_file(folder, annotator)
    report = ImportReport(annotator=annotator, path=target_path, messages=warnings)
    if parsed.project_id is not None and parsed.project_id != folder.project.id:
        report.messages.append(f"note: {path} was exported from another project (id "
                               f"{parsed.project_id}); claims are matched by document id and "
                               "text")
    problems: list[AnnotateError] = []
    existing = {a.id: a for a in target.annotations}
    bounds: dict[str, tuple[Sequence[int], Sequence[int]]] = {}  # sentence starts, ends
    accepted: list[tuple[ImportedClaim, Annotation]] = []
    reviewed: dict[str, set[int]] = {d: set(ix) for d, ix in target.reviewed.items()}
    marks: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in claims:
        claim = item.claim
        where = f"{path}: {item.where}"
        if folder.project.document(claim.document) is None:
            problems.append(AnnotateError(f"{where}: unknown document {claim.document!r}; "
                                          f"claim {claim.id!r} not imported"))
            continue
        if claim.id in seen:
            problems.append(AnnotateError(f"{where}: id {claim.id!r} appears twice in the file;"
                                          " not imported"))
            continue
        seen.add(claim.id)
        annotation = _anchor(folder, path, item, report, problems)
        if annotation is None:
            continue
        old = existing.get(claim.id)
        if old is not None and old != annotation:
            problems.append(AnnotateError(
                f"{where}: id {claim.id!r} already exists in {target_path} with different "
                "content; not imported (existing claims are never overwritten)"))
            continue
        if claim.reviewed and not annotation.orphaned:
            if claim.document not in bounds:
                bounds[claim.document] = _bounds(folder, claim.document)
            index = sentence_index(*bounds[claim.document], annotation.start)
            if index is not None:
                marks.append((claim.document, index))
        if old is not None:
            report.unchanged += 1
        else:
            accepted.append((item, annotation))
    accepted = _check_tags(folder, path, accepted, problems)
    for entry in reviewed_entries:
        count = len(folder.sentences(entry.document)) if folder.project.document(
            entry.document) else 0
        bad = [i for i in entry.sentences if i >= count]
        if bad:
            problems.append(AnnotateError(f"{path}: reviewed sentences of {entry.document!r}: "
                                          f"sentence {bad[0]} does not exist in the project"))
            continue
        marks.extend((entry.document, i) for i in entry.sentences)
    if problems and not partial:
        raise ProblemList([*problems, UsageError(
            f"nothing was imported into {target_path}; fix the file, or use --partial to "
            "import the rest")])
    report.left_out = len(problems)
    report.messages.extend(f"left out: {p}" for p in problems)
    for document_id, index in marks:
        if index not in reviewed.setdefault(document_id, set()):
            reviewed[document_id].add(index)
            report.reviewed_added += 1
    report.added = len(accepted)
    if report.added or report.reviewed_added:
        merged = AnnotatorFile(
            annotator=annotator, project=folder.project.id,
            reviewed={d: sorted(ix) for d, ix in reviewed.items() if ix},
            annotations=[*target.annotations, *(a for _, a in accepted)])
        folder.check_annotator_file(target_path, merged)
        folder.save_annotator(merged)
        # The journal's edits are now in the file; replayed on the next open, a removal or an
        # un-review in it could undo part of this import.
        journal_path(folder.root, annotator).unlink(missing_ok=True)
    return report


def _bounds(folder: ProjectFolder, document_id: str) -> tuple[Sequence[int], Sequence[int]]:
    spans = folder.sentences(document_id)
    return [s for s, _ in spans], [e for _, e in spans]


def _anchor(folder: ProjectFolder, path: Path, item: ImportedClaim, report: ImportReport,
            problems: list[AnnotateError]) -> Annotation | None:
    """The claim as an annotation on the current text, re-anchored if its quote moved."""
    claim = item.claim
    text = folder.text(claim.document)
    start, end, prefix, suffix = claim.start, claim.end, claim.prefix, claim.suffix
    quote = claim.quote
    if not claim.orphaned and text[start:end] != claim.quote:
        found = find_quote(text, claim.quote, claim.prefix, claim.suffix, claim.start)
        if found is None:
            shown = claim.quote if len(claim.quote) <= 40 else claim.quote[:39] + "…"
            problems.append(AnnotateError(
                f"{path}: {item.where}: quote {shown!r} of claim {claim.id!r} is no longer in "
                f"document {claim.document!r}; not imported"))
            return None
        start, end, _ = found
        quote = text[start:end]  # the same words; their spacing may differ in the new text
        prefix, suffix = context_around(text, start, end)
        report.moved += 1
        report.messages.append(f"re-anchored claim {claim.id!r} in {claim.document!r}: "
                               f"[{claim.start}, {claim.end}) -> [{start}, {end})")
    try:
        return Annotation(id=claim.id, document=claim.document, start=start, end=end,
                          quote=quote, prefix=prefix, suffix=suffix, tag=claim.tag,
                          subtype=claim.subtype, attributes=claim.attributes, note=claim.note,
                          orphaned=claim.orphaned, created=claim.created,
                          modified=claim.modified)
    except ValidationError as e:
        message = str(e.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        problems.append(AnnotateError(f"{path}: {item.where}: claim {claim.id!r}: {message}"))
        return None


def _check_tags(folder: ProjectFolder, path: Path,
                accepted: list[tuple[ImportedClaim, Annotation]],
                problems: list[AnnotateError]) -> list[tuple[ImportedClaim, Annotation]]:
    """Drop (and report) claims whose tag, subtype or attributes the project does not define."""
    candidate = AnnotatorFile(annotator="import", project=folder.project.id,
                              annotations=[a for _, a in accepted])
    rejected: set[int] = set()
    for problem in check_annotations(candidate, folder.project, path):
        match = re.match(r"annotations\[(\d+)\]\.?(.*)", problem.field or "")
        if not match:
            problems.append(problem)
            continue
        index = int(match.group(1))
        rejected.add(index)
        item = accepted[index][0]
        problems.append(AnnotateError(f"{path}: {item.where}: {match.group(2)}: "
                                      f"{problem.problem}; claim {item.claim.id!r} not imported"))
    return [pair for i, pair in enumerate(accepted) if i not in rejected]
