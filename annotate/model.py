"""The pydantic models behind every file in a project folder."""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1
"""The newest file format this version reads and the one it writes."""

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
"""Tag, subtype, attribute and document ids: kebab-case, safe as file names."""

ANNOTATOR_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Annotator names become file names, so they are restricted to a safe set."""

_RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                   *(f"lpt{i}" for i in range(10))}

AttributeValue = bool | int | float | str
"""A typed attribute's value as stored in TOML."""


def annotator_name_problem(name: str) -> str | None:
    """Say why ``name`` cannot be an annotator's file name, or return None if it can."""
    if not name:
        return "the name is empty"
    if not re.fullmatch(ANNOTATOR_PATTERN, name):
        return ("use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit "
                f"(got {name!r})")
    if name.endswith("."):
        return f"the name may not end with '.' (got {name!r})"
    if name.split(".")[0].lower() in _RESERVED_NAMES:
        return f"{name!r} is a reserved device name on some systems"
    return None


def relative_path_problem(path: str) -> str | None:
    """Say why ``path`` could leave the project folder, or return None if it stays inside."""
    if not path:
        return "the path is empty"
    if "\\" in path or PureWindowsPath(path).drive:
        return f"use '/' separators and no drive letter (got {path!r})"
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return f"absolute paths are not allowed; use a path inside the project (got {path!r})"
    if ".." in posix.parts:
        return f"the path leaves the project folder (got {path!r})"
    if "\x00" in path:
        return "the path contains a NUL character"
    return None


class Strict(BaseModel):
    """Base for file models: unknown keys are errors, so a typo fails loudly.

    The attribute docstrings become field descriptions only when ``annotate.schemas`` writes
    the JSON Schema files: reading them from the source costs ~50 ms on every start.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)


class AttributeDef(Strict):
    """A typed attribute a tag's annotations may carry."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    """Attribute name as stored in annotations (snake_case)."""
    type: Literal["text", "number", "choice", "bool"]
    """Value type: free text, a number, one of ``options``, or true/false."""
    label: str = ""
    """Human name shown in the editor; defaults to the id."""
    description: str = ""
    """What to record in this attribute, shown in the editor."""
    options: list[str] = []
    """Allowed values of a ``choice`` attribute; the first is the default."""

    @model_validator(mode="after")
    def _options_match_type(self) -> AttributeDef:
        if self.type == "choice" and not self.options:
            raise ValueError(f"choice attribute '{self.id}' needs at least one option")
        if self.type != "choice" and self.options:
            raise ValueError(f"only choice attributes have options ('{self.id}' is {self.type})")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"attribute '{self.id}' lists an option twice")
        return self

    def value_problem(self, value: object) -> str | None:
        """Say why ``value`` is not valid for this attribute, or return None."""
        if self.type == "bool":
            return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
        if self.type == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return None if ok else f"expected a number, got {value!r}"
        if not isinstance(value, str):
            return f"expected text, got {value!r}"
        if self.type == "choice" and value not in self.options:
            return f"{value!r} is not one of: {', '.join(self.options)}"
        return None


class SubtypeDef(Strict):
    """A finer category within a tag."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Subtype id as stored in annotations (kebab-case)."""
    description: str = ""
    """What belongs in this subtype, with examples."""


RESERVED_TAG_KEYS = frozenset("jkgGhlHLnNdxuq?/:[]() ")
"""Keys the annotator's UI uses for moving, selecting and editing; a tag cannot take them."""


class TagDef(Strict):
    """A tag an annotator can put on a sentence or a span."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Tag id as stored in annotations (kebab-case)."""
    key: Annotated[str, Field(min_length=1, max_length=1)]
    """The single key that toggles this tag in the TUI."""
    label: str
    """Human name, e.g. "Verifiable figure"."""
    description: str = ""
    """Definition of the tag, shown in help and in the editor."""
    rules: str = ""
    """Decision rules for borderline cases, shown in help."""
    color: str = ""
    """Display colour in the TUI (a colour name or #rrggbb); empty picks one by position."""
    subtypes: list[SubtypeDef] = []
    """Allowed subtypes; an annotation has at most one."""
    attributes: list[AttributeDef] = []
    """Typed attributes this tag's annotations may carry."""

    @field_validator("key")
    @classmethod
    def _free_key(cls, value: str) -> str:
        if value in RESERVED_TAG_KEYS:
            taken = " ".join(sorted(RESERVED_TAG_KEYS - {" "}))
            raise ValueError(f"key {value!r} is used by the annotator's UI; choose another "
                             f"(taken: {taken} and space)")
        if not value.isprintable():
            raise ValueError("a tag key must be a visible character")
        return value

    @model_validator(mode="after")
    def _unique_children(self) -> TagDef:
        for kind, ids in (("subtype", [s.id for s in self.subtypes]),
                          ("attribute", [a.id for a in self.attributes])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"tag '{self.id}' defines {kind} {dupes[0]!r} twice")
        return self

    def attribute(self, attribute_id: str) -> AttributeDef | None:
        """Return the attribute definition with this id, if the tag has one."""
        return next((a for a in self.attributes if a.id == attribute_id), None)

    def subtype_problem(self, subtype: str | None) -> str | None:
        """Say why ``subtype`` is not allowed on this tag, or return None."""
        if subtype is None or any(s.id == subtype for s in self.subtypes):
            return None
        known = ", ".join(s.id for s in self.subtypes) or "(none)"
        return f"tag {self.id!r} has no subtype {subtype!r}; known: {known}"

    def attribute_problem(self, name: str, value: object) -> str | None:
        """Say why attribute ``name`` = ``value`` is not allowed on this tag, or return None."""
        definition = self.attribute(name)
        if definition is None:
            known = ", ".join(a.id for a in self.attributes) or "(none)"
            return f"tag {self.id!r} has no attribute {name!r}; known: {known}"
        problem = definition.value_problem(value)
        return None if problem is None else f"attribute {name!r} of tag {self.id!r}: {problem}"


class SegmentationSettings(Strict):
    """How documents are split into sentences when they are added."""

    method: Literal["annotate-1"] = "annotate-1"
    """Segmentation rules version; stored so a later upgrade changes nothing already added."""
    extra_abbreviations: list[str] = []
    """Further abbreviations (without the final period) that never end a sentence."""


class Document(Strict):
    """A source text of the project, with where its fixed sentence units are stored."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Document id, used in annotations and exports."""
    title: str = ""
    """Human title; defaults to the id."""
    path: str
    """Path of the UTF-8 text, relative to the project folder."""
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """SHA-256 of the text's UTF-8 bytes when it was added."""
    sentences: str
    """Path of the sentence file holding this document's fixed sentence boundaries."""
    length: Annotated[int, Field(ge=0)]
    """Length of the text in Unicode code points."""

    @field_validator("path", "sentences")
    @classmethod
    def _inside_project(cls, value: str) -> str:
        problem = relative_path_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class Project(Strict):
    """The project file: title, guidelines, tag set, documents and segmentation settings."""

    schema_version: Annotated[int, Field(ge=1)] = SCHEMA_VERSION
    """File format version."""
    id: Annotated[str, Field(pattern=r"^[0-9a-f]{8,32}$")]
    """Random project identity, so an annotator file from another project is recognised."""
    title: str
    """Project title."""
    description: str = ""
    """What the project is for."""
    guidelines: str = ""
    """Annotation guidelines shown in the TUI's help, beside the tag definitions."""
    segmentation: SegmentationSettings = SegmentationSettings()
    """How added documents are split into sentences."""
    tags: list[TagDef] = []
    """The tag set."""
    documents: list[Document] = []
    """The project's documents, in display order."""

    @model_validator(mode="after")
    def _unique_ids(self) -> Project:
        for kind, values in (("tag id", [t.id for t in self.tags]),
                             ("tag key", [t.key for t in self.tags]),
                             ("document id", [d.id for d in self.documents]),
                             ("document path", [d.path for d in self.documents])):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"{kind} {dupes[0]!r} is used twice")
        return self

    def tag(self, tag_id: str) -> TagDef | None:
        """Return the tag with this id, if the project defines it."""
        return next((t for t in self.tags if t.id == tag_id), None)

    def document(self, document_id: str) -> Document | None:
        """Return the document with this id, if the project has it."""
        return next((d for d in self.documents if d.id == document_id), None)


_SPANS_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"^\s*(\d+ \d+\s*)*$",
    "description": "One sentence a line: its start and end code-point offsets.",
}


_DIGITS_AND_SPACE = re.compile(r"[0-9 \t\r\n]*")


class SentenceFile(Strict):
    """A document's fixed sentence boundaries, shared by every annotator."""

    schema_version: Annotated[int, Field(ge=1)] = SCHEMA_VERSION
    """File format version."""
    document: Annotated[str, Field(pattern=ID_PATTERN)]
    """Id of the document these sentences belong to."""
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """SHA-256 of the text the boundaries were computed on."""
    method: str
    """Segmentation rules that produced the boundaries."""
    spans: Annotated[list[tuple[int, int]], WithJsonSchema(_SPANS_SCHEMA)]
    """Half-open [start, end) code-point offsets of each sentence, one "start end" a line."""

    @field_validator("spans", mode="plain")
    @classmethod
    def _parse_spans(cls, value: object) -> list[tuple[int, int]]:
        """Read "start end" lines (or pairs) and check they are ordered and disjoint.

        This runs on every open of a document with up to 100k sentences, so it does the
        checks in one pass instead of validating each pair as a model field.
        """
        if isinstance(value, str):
            numbers = value.split()
            if len(numbers) % 2:
                raise ValueError("each line must hold two numbers: start and end")
            if not _DIGITS_AND_SPACE.fullmatch(value):
                raise ValueError("spans must be lines of two whole numbers: start end")
            flat = list(map(int, numbers))
            pairs = list(zip(flat[::2], flat[1::2], strict=True))
        elif isinstance(value, list | tuple):
            pairs = []
            for item in value:
                if (not isinstance(item, list | tuple) or len(item) != 2
                        or not all(type(n) is int for n in item)):
                    raise ValueError(f"each span must be two whole numbers, got {item!r}")
                pairs.append((item[0], item[1]))
        else:
            raise ValueError("spans must be lines of two whole numbers: start end")
        previous_end = 0
        for index, (start, end) in enumerate(pairs):
            if not previous_end <= start < end:
                raise ValueError(
                    f"sentence {index} [{start}, {end}) is empty, reversed or overlaps the one "
                    "before it")
            previous_end = end
        return pairs


_ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CHECKED_NAMES: set[str] = set()
"""Attribute names already seen to be valid; files repeat a handful of names many times."""


class Annotation(Strict):
    """A claim on a span of one document."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
    """Stable unique id, never reused."""
    document: Annotated[str, Field(pattern=ID_PATTERN)]
    """Id of the annotated document."""
    start: Annotated[int, Field(ge=0)]
    """Start offset in Unicode code points (inclusive)."""
    end: Annotated[int, Field(ge=0)]
    """End offset in Unicode code points (exclusive)."""
    quote: str
    """The exact text of the span (W3C TextQuoteSelector ``exact``)."""
    prefix: str = ""
    """Up to 32 code points of text before the span, for re-anchoring."""
    suffix: str = ""
    """Up to 32 code points of text after the span, for re-anchoring."""
    tag: str
    """Tag id from the project's tag set."""
    subtype: str | None = None
    """Optional subtype id of the tag."""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    """Typed attribute values by attribute id."""
    note: str = ""
    """Free-text note."""
    orphaned: bool = False
    """True when the document changed and the quote could not be found again; kept, not dropped."""
    created: datetime
    """When the annotation was made (UTC)."""
    modified: datetime
    """When the annotation was last changed (UTC)."""

    @field_validator("attributes")
    @classmethod
    def _portable_values(cls, value: dict[str, AttributeValue]) -> dict[str, AttributeValue]:
        for name, item in value.items():
            if name not in _CHECKED_NAMES:
                if not _ATTRIBUTE_NAME.fullmatch(name):
                    raise ValueError(f"attribute name {name!r} must be snake_case")
                if len(_CHECKED_NAMES) < 10_000:
                    _CHECKED_NAMES.add(name)
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"attribute {name!r} must be a finite number, got {item}")
            if isinstance(item, int) and not isinstance(item, bool) and abs(item) >= 2**63:
                raise ValueError(f"attribute {name!r} is too large for a 64-bit integer")
        return value

    @model_validator(mode="after")
    def _ordered_span(self) -> Annotation:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if len(self.quote) != self.end - self.start:
            raise ValueError(
                f"quote has {len(self.quote)} characters but the span [{self.start}, "
                f"{self.end}) has {self.end - self.start}")
        return self

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order annotations are written in: document, start, end, id."""
        return (self.document, self.start, self.end, self.id)


MAX_SENTENCES = 10_000_000
"""More sentences than any document holds; bounds what a hostile file can make us allocate."""

_RUN = re.compile(r"^(\d{1,9})-(\d{1,9})$")

_REVIEWED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "type": "array",
        "items": {"anyOf": [{"type": "integer", "minimum": 0},
                            {"type": "string", "pattern": _RUN.pattern}]},
    },
    "description": "Reviewed sentence indices by document id, runs written as \"first-last\".",
}


def expand_sentence_runs(items: list[object]) -> list[object]:
    """Expand "first-last" runs into indices; other items pass through for validation."""
    out: list[object] = []
    for item in items:
        match = _RUN.match(item) if isinstance(item, str) else None
        if match is None:
            out.append(item)
            continue
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise ValueError(f"run {item!r} ends before it starts")
        if last - first >= MAX_SENTENCES:
            raise ValueError(f"run {item!r} is longer than any document can be")
        out.extend(range(first, last + 1))
    return out


def compress_sentence_runs(indices: list[int]) -> list[int | str]:
    """Write sorted indices compactly: runs of three or more as "first-last"."""
    out: list[int | str] = []
    ordered = sorted(set(indices))
    start = 0
    while start < len(ordered):
        stop = start
        while stop + 1 < len(ordered) and ordered[stop + 1] == ordered[stop] + 1:
            stop += 1
        if stop - start >= 2:
            out.append(f"{ordered[start]}-{ordered[stop]}")
        else:
            out.extend(ordered[start:stop + 1])
        start = stop + 1
    return out


class AnnotatorFile(Strict):
    """One annotator's work on a project: annotations and reviewed sentences."""

    schema_version: Annotated[int, Field(ge=1)] = SCHEMA_VERSION
    """File format version."""
    annotator: str
    """The annotator's name; also the file's name."""
    project: Annotated[str, Field(pattern=r"^[0-9a-f]{8,32}$")]
    """Id of the project this file belongs to."""
    reviewed: Annotated[dict[str, list[int]], WithJsonSchema(_REVIEWED_SCHEMA)] = Field(
        default_factory=dict)
    """Indices of reviewed sentences, by document id; files store runs as "first-last"."""
    annotations: list[Annotation] = Field(default_factory=list)
    """The annotations, sorted by document, start, end and id."""

    @field_validator("annotator")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        problem = annotator_name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("reviewed", mode="before")
    @classmethod
    def _expand_runs(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {doc: expand_sentence_runs(items) if isinstance(items, list) else items
                for doc, items in value.items()}

    @field_validator("reviewed")
    @classmethod
    def _sorted_unique(cls, value: dict[str, list[int]]) -> dict[str, list[int]]:
        for document_id, indices in value.items():
            if any(i < 0 for i in indices):
                raise ValueError(f"negative sentence index in reviewed.{document_id}")
        return {doc: sorted(set(ix)) for doc, ix in sorted(value.items())}

    @model_validator(mode="after")
    def _unique_annotation_ids(self) -> AnnotatorFile:
        seen: set[str] = set()
        for annotation in self.annotations:
            if annotation.id in seen:
                raise ValueError(f"annotation id {annotation.id!r} is used twice")
            seen.add(annotation.id)
        return self
