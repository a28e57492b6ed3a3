"""Export tagged claims as JSON, JSON Lines, CSV or W3C Web Annotation JSON-LD.

Every format is written claim by claim to a text stream: one annotator file is loaded at a
time and no format builds its whole output in memory. Large projects may have their claims
rendered in worker processes (``export_parallel``): an annotator, or a slice of one, each.
The JSON shape is described by the models in ``annotate.export_model``.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from pydantic_core import to_json

from annotate.errors import AnnotateError, UsageError
from annotate.export_model import CLAIM_FIELDS, EXPORT_SCHEMA_VERSION
from annotate.model import Annotation, AnnotatorFile, Document
from annotate.storage import ProjectFolder, atomic_output

ExportFormat = Literal["json", "jsonl", "csv", "w3c"]
FORMATS: tuple[ExportFormat, ...] = ("json", "jsonl", "csv", "w3c")
"""Formats ``annotate export`` writes; the first is the default."""

CSV_FIELDS: tuple[str, ...] = tuple(f for f in CLAIM_FIELDS if f != "attributes")
"""CSV columns before the ``attr.<name>`` columns: every claim field but ``attributes``."""

_END = object()
"""Marks the end of an item stream."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cell beginnings a spreadsheet would run as a formula."""


@dataclass(frozen=True)
class ExportSelection:
    """Which claims to export; an empty tuple means no restriction."""

    annotators: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reviewed_only: bool = False


@dataclass
class ExportPlan:
    """A selection checked against a project: the annotators, documents and tags to export."""

    folder: ProjectFolder
    annotators: list[str]
    documents: list[Document]
    tags: frozenset[str] | None
    reviewed_only: bool
    reviewed: list[dict[str, Any]] = field(default_factory=list)
    """Reviewed sentences per annotator and document, filled in while claims are read."""
    warnings: list[str] = field(default_factory=list)
    """What reading the annotator files noticed, e.g. a damaged journal line."""
    load: Callable[[ProjectFolder, str], tuple[AnnotatorFile, list[str]]] | None = None
    """Reads one annotator's current work; ``current_annotator_file`` unless replaced."""
    part: tuple[int, int] | None = None
    """``(k, n)``: only the k-th of n consecutive, nearly equal slices of each annotator's
    claims (worker processes render one each); None for all of them."""


def plan_export(folder: ProjectFolder, selection: ExportSelection) -> ExportPlan:
    """Check the selection's names against the project, failing on the first unknown one."""
    project = folder.project
    known_annotators = folder.annotator_names()
    for name in selection.annotators:
        folder.annotator_path(name)
        if name not in known_annotators:
            known = ", ".join(known_annotators) or "(none yet)"
            raise UsageError(f"no annotator {name!r} in {folder.root}; known: {known}")
    for tag_id in selection.tags:
        if project.tag(tag_id) is None:
            known = ", ".join(t.id for t in project.tags) or "(none)"
            raise UsageError(f"no tag {tag_id!r} in {folder.project_path}; known: {known}")
    for document_id in selection.documents:
        folder.require_document(document_id)
    annotators = [a for a in known_annotators
                  if not selection.annotators or a in selection.annotators]
    documents = [d for d in project.documents
                 if not selection.documents or d.id in selection.documents]
    return ExportPlan(folder=folder, annotators=annotators, documents=documents,
                      tags=frozenset(selection.tags) or None,
                      reviewed_only=selection.reviewed_only)


def current_annotator_file(folder: ProjectFolder,
                           annotator: str) -> tuple[AnnotatorFile, list[str]]:
    """An annotator's file with any edits still in its journal, and what reading noticed."""
    from annotate.journal import journal_path, read_journal
    from annotate.session import EditSession

    journal = read_journal(journal_path(folder.root, annotator), folder.project.id, annotator)
    if journal.clean and not journal.records:  # nothing pending: skip the session's indexes
        return folder.load_annotator(annotator), []
    session = EditSession(folder, annotator, read_only=True)
    return session.snapshot(), session.warnings


def iso_time(moment: datetime) -> str:
    """ISO 8601 text of a timestamp, with ``Z`` for UTC."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def sentence_index(starts: Sequence[int], ends: Sequence[int], offset: int) -> int | None:
    """Index of the sentence holding ``offset``, else the next one, else the last one."""
    if not starts:
        return None
    index = bisect_right(starts, offset) - 1
    if index < 0:
        return 0
    if offset >= ends[index] and index + 1 < len(starts):
        return index + 1
    return index


def annotator_claims(plan: ExportPlan, annotator: str) -> Iterator[dict[str, Any]]:
    """One annotator's claim records, by document in project order, start, end and id; the
    annotator's reviewed sentences and reading warnings are appended to the plan.

    An orphaned annotation has no sentence (``sentence_index`` and ``sentence_text`` are None,
    ``reviewed`` is false), so ``reviewed_only`` leaves it out. ``created`` and ``modified``
    are datetimes; ``with_text_times`` turns them into text.
    """
    folder = plan.folder
    tag_labels = {t.id: t.label for t in folder.project.tags}
    annotator_file, warnings = (plan.load or current_annotator_file)(folder, annotator)
    plan.warnings.extend(warnings)
    by_document: dict[str, list[Annotation]] = {}
    for annotation in annotator_file.annotations:
        if plan.tags is None or annotation.tag in plan.tags:
            by_document.setdefault(annotation.document, []).append(annotation)
    first, last = 0, sum(len(by_document.get(d.id, ())) for d in plan.documents)
    if plan.part is not None:
        k, n = plan.part
        first, last = last * k // n, last * (k + 1) // n
    position = 0  # of the document's first annotation, in this annotator's claim order
    for document in plan.documents:
        reviewed_indices = annotator_file.reviewed.get(document.id, [])
        if reviewed_indices:
            plan.reviewed.append({"annotator": annotator, "document": document.id,
                                  "sentences": list(reviewed_indices)})
        annotations = by_document.get(document.id)
        if not annotations:
            continue
        position += len(annotations)
        if position <= first or position - len(annotations) >= last:
            continue  # outside this part
        annotations.sort(key=Annotation.sort_key)  # one document: start, end, id
        skip = max(0, first - (position - len(annotations)))
        annotations = annotations[skip:len(annotations) - max(0, position - last)]
        reviewed = set(reviewed_indices)
        text = folder.text(document.id)
        spans = folder.sentences(document.id)
        starts = [s for s, _ in spans]
        ends = [e for _, e in spans]
        sentence_texts: dict[int | None, str | None] = {None: None}
        for annotation in annotations:
            # an orphan's offsets refer to an older text, so no sentence can be named
            index = (None if annotation.orphaned
                     else sentence_index(starts, ends, annotation.start))
            if plan.reviewed_only and index not in reviewed:
                continue
            if index not in sentence_texts:
                sentence_texts[index] = text[slice(*spans[index])]  # type: ignore[index]
            attributes = annotation.attributes
            yield {
                "id": annotation.id,
                "annotator": annotator,
                "document": document.id,
                "sentence_index": index,
                "sentence_text": sentence_texts[index],
                "start": annotation.start,
                "end": annotation.end,
                "quote": annotation.quote,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
                "tag": annotation.tag,
                "tag_label": tag_labels.get(annotation.tag, annotation.tag),
                "subtype": annotation.subtype,
                "attributes": (dict(sorted(attributes.items())) if len(attributes) > 1
                               else dict(attributes)),
                "note": annotation.note,
                "created": annotation.created,
                "modified": annotation.modified,
                "reviewed": index in reviewed,
                "orphaned": annotation.orphaned,
            }


def with_text_times(claims: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Claims with ``created`` and ``modified`` as ISO 8601 text, for writers other than
    pydantic's ``to_json`` (which writes a datetime the same way, in Rust)."""
    for claim in claims:
        claim["created"] = iso_time(claim["created"])
        claim["modified"] = iso_time(claim["modified"])
        yield claim


def export_header(plan: ExportPlan, now: datetime) -> dict[str, Any]:
    """The JSON export's fields other than ``claims`` and ``reviewed``."""
    project = plan.folder.project
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "project": {"id": project.id, "title": project.title},
        "exported_at": iso_time(now),
        "documents": [{"id": d.id, "title": d.title or d.id, "sha256": d.sha256}
                      for d in plan.documents],
    }


def _pretty(value: Any, indent: str) -> str:
    """Two-space-indented JSON of ``value``, every line after the first indented by ``indent``."""
    return to_json(value, indent=2).decode("utf-8").replace("\n", "\n" + indent)


def write_items(out: TextIO, items: Iterable[Any], indent: str, *, continuing: bool = False,
                batch: int = 500) -> int:
    """Write elements of a JSON array, each on a new line pretty-printed at ``indent``;
    ``continuing`` means elements were written before, so the first one takes a comma.
    Return how many were written.

    Elements are serialised in batches, which is several times faster than one by one; each
    batch is nested in lists so that ``to_json`` indents it as deep as the array.
    """
    depth = len(indent) // 2 - 1
    opening = "".join("  " * level + "[\n" for level in range(depth + 1))
    closing = "".join("\n" + "  " * level + "]" for level in reversed(range(depth + 1)))
    count = 0
    chunk: list[Any] = []
    for item in itertools.chain(items, [_END]):
        if item is not _END:
            chunk.append(item)
            if len(chunk) < batch:
                continue
        if not chunk:
            break
        nested: list[Any] = chunk
        for _ in range(depth):
            nested = [nested]
        body = to_json(nested, indent=2).decode("utf-8")
        out.write(("," if count or continuing else "") + "\n" + body[len(opening):-len(closing)])
        count += len(chunk)
        chunk = []
    return count


def close_items(indent: str, count: int) -> str:
    """The end of an array written by ``write_items``."""
    return "\n" + indent[:-2] + "]" if count else "]"


def reviewed_json(reviewed: list[dict[str, Any]], indent: str) -> str:
    """The ``reviewed`` list as JSON text, one entry per line."""
    lines = [indent + "  " + json.dumps(entry, ensure_ascii=False) for entry in reviewed]
    return "[\n" + ",\n".join(lines) + "\n" + indent + "]" if lines else "[]"


class ClaimWriter:
    """How one format is written: what comes before the claims, one annotator's claims, and
    what comes after. Annotators' claims may be rendered apart (``export_parallel``) and
    joined with ``join``."""

    join = ""
    """Text between two annotators' claims rendered apart, when both have claims."""

    def __init__(self, plan: ExportPlan, now: datetime, *, excel: bool = False) -> None:
        self.plan = plan
        self.now = now
        self.excel = excel

    def head(self, out: TextIO) -> None:
        """Write what comes before the first claim."""

    def claims(self, out: TextIO, annotator: str, *, continuing: bool) -> int:
        """Write one annotator's claims, after others' if ``continuing``; return how many."""
        raise NotImplementedError

    def tail(self, out: TextIO, count: int) -> None:
        """Write what comes after the last claim, once all ``count`` are written."""


class JsonWriter(ClaimWriter):
    """One JSON object: the header, ``claims`` and ``reviewed``."""

    join = ","

    def head(self, out: TextIO) -> None:
        head = _pretty(export_header(self.plan, self.now), "")
        out.write(head[:-2] + ',\n  "claims": [')

    def claims(self, out: TextIO, annotator: str, *, continuing: bool) -> int:
        return write_items(out, annotator_claims(self.plan, annotator), "    ",
                           continuing=continuing)

    def tail(self, out: TextIO, count: int) -> None:
        out.write(close_items("    ", count) + ',\n  "reviewed": '
                  + reviewed_json(self.plan.reviewed, "  ") + "\n}\n")


class JsonlWriter(ClaimWriter):
    """One claim per line, as compact JSON."""

    def claims(self, out: TextIO, annotator: str, *, continuing: bool) -> int:
        count = 0
        for claim in annotator_claims(self.plan, annotator):
            out.write(to_json(claim).decode("utf-8") + "\n")
            count += 1
        return count


def _cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if excel and value.startswith(_FORMULA_STARTS) else value
    return str(value)


def csv_attribute_names(plan: ExportPlan) -> list[str]:
    """The ``attr.<name>`` columns: every attribute the exported tags declare, sorted. The
    header depends on the tag set, not on which claims an export holds, so rows stream."""
    return sorted({attribute.id for tag in plan.folder.project.tags
                   if plan.tags is None or tag.id in plan.tags
                   for attribute in tag.attributes})


_CSV_BOOLEANS = tuple(i for i, name in enumerate(CSV_FIELDS) if name in ("reviewed", "orphaned"))


class CsvWriter(ClaimWriter):
    """One claim per row with ``attr.<name>`` columns. With ``excel``, the file starts with a
    byte-order mark and text cells that a spreadsheet would evaluate as a formula are
    prefixed with an apostrophe."""

    def __init__(self, plan: ExportPlan, now: datetime, *, excel: bool = False) -> None:
        super().__init__(plan, now, excel=excel)
        self.columns = csv_attribute_names(plan)

    def head(self, out: TextIO) -> None:
        if self.excel:
            out.write("\ufeff")
        csv.writer(out).writerow([*CSV_FIELDS, *(f"attr.{name}" for name in self.columns)])

    def claims(self, out: TextIO, annotator: str, *, continuing: bool) -> int:
        columns, excel = self.columns, self.excel
        declared = frozenset(columns)
        writer = csv.writer(out)
        count = 0
        for claim in with_text_times(annotator_claims(self.plan, annotator)):
            attributes = claim["attributes"]
            if not declared.issuperset(attributes):
                # saved files with these are refused when read, but an edit still in a
                # journal can predate a change to the tag set; never drop the value
                name = sorted(set(attributes) - declared)[0]
                raise AnnotateError(
                    f"claim {claim['id']!r} of {annotator!r} has the attribute {name!r}, "
                    f"which tag {claim['tag']!r} no longer declares in project.toml, so a CSV "
                    "has no column for it; declare it again, or export as JSON, which keeps "
                    "it", "Attribute not in the tag set")
            if excel:
                row = [_cell(claim[name], True) for name in CSV_FIELDS]
            else:  # the csv module writes None as an empty cell and numbers as str() does
                row = [claim[name] for name in CSV_FIELDS]
                for i in _CSV_BOOLEANS:
                    row[i] = "true" if row[i] else "false"
            row.extend(_cell(attributes.get(name), excel) for name in columns)
            writer.writerow(row)
            count += 1
        return count


def claim_writer(plan: ExportPlan, fmt: str, now: datetime, *,
                 excel: bool = False) -> ClaimWriter:
    """The writer of format ``fmt``."""
    from annotate.export_w3c import W3cWriter

    writers: dict[str, type[ClaimWriter]] = {"json": JsonWriter, "jsonl": JsonlWriter,
                                             "csv": CsvWriter, "w3c": W3cWriter}
    if fmt not in writers:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](plan, now, excel=excel)


def write_export(out: TextIO, plan: ExportPlan, fmt: str, *, now: datetime | None = None,
                 excel: bool = False, jobs: int = 1) -> int:
    """Write the planned claims in ``fmt``; return the number of claims written.

    With ``jobs`` above 1, annotators are read and rendered in up to that many processes at
    once, on Linux (see ``export_parallel``); the output is the same.
    """
    writer = claim_writer(plan, fmt, now or datetime.now(UTC).replace(microsecond=0),
                          excel=excel)
    plan.reviewed.clear()
    plan.warnings.clear()
    writer.head(out)
    rendered: Callable[[TextIO, ClaimWriter, int], int] | None = None
    if jobs > 1 and plan.annotators:  # only then is multiprocessing imported
        from annotate import export_parallel

        if export_parallel.can_fork():
            rendered = export_parallel.write_rendered_claims
    if rendered is not None:
        count = rendered(out, writer, jobs)
    else:
        count = 0
        for annotator in plan.annotators:
            count += writer.claims(out, annotator, continuing=count > 0)
    writer.tail(out, count)
    return count


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a temporary file beside ``path`` that replaces it only on success."""
    if path is None:
        yield sys.stdout
        return
    with atomic_output(path, text=True, make_folder=False) as handle:
        yield cast(TextIO, handle)
