"""The export's public shape: pydantic models from which ``schemas/export.schema.json`` is made.

Run ``python -m annotate.export_model > schemas/export.schema.json`` after changing a model; a
test fails while the committed schema and the models disagree.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from annotate.model import ID_PATTERN, AttributeValue

EXPORT_SCHEMA_VERSION = 1
"""Version of the export shape this version writes and the newest it imports."""

class ExportModel(BaseModel):
    """Base for export models: unknown keys are errors, every field documents itself."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, defer_build=True)


class ExportProject(ExportModel):
    """The project the claims come from."""

    id: Annotated[str, Field(pattern=r"^[0-9a-f]{8,32}$")]
    """Random project identity from project.toml."""
    title: str
    """Project title."""


class ExportDocument(ExportModel):
    """A document some exported claim may refer to."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Document id, as used in each claim's ``document``."""
    title: str
    """Human title of the document."""
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """SHA-256 of the document text's UTF-8 bytes; offsets are only meaningful for this text."""


class ExportReviewed(ExportModel):
    """The sentences one annotator marked reviewed in one document, with or without claims."""

    annotator: str
    """Annotator name."""
    document: Annotated[str, Field(pattern=ID_PATTERN)]
    """Document id."""
    sentences: list[Annotated[int, Field(ge=0)]]
    """Indices of the reviewed sentences, ascending."""


class ExportClaim(ExportModel):
    """One tagged claim: an annotation on a span of one document, with its context."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
    """Annotation id, unique within its annotator's file and never reused."""
    annotator: str
    """Name of the annotator who made the claim."""
    document: Annotated[str, Field(pattern=ID_PATTERN)]
    """Id of the annotated document."""
    sentence_index: Annotated[int, Field(ge=0)] | None
    """Index (from 0) of the project sentence holding the claim's start; null when ``orphaned`` (or if the document has no sentences)."""  # noqa: E501
    sentence_text: str | None
    """Text of that sentence; null when ``sentence_index`` is null."""
    start: Annotated[int, Field(ge=0)]
    """Start offset in Unicode code points into the document text (inclusive)."""
    end: Annotated[int, Field(ge=1)]
    """End offset in Unicode code points into the document text (exclusive)."""
    quote: str
    """The document text from ``start`` to ``end`` (W3C TextQuoteSelector ``exact``), unless ``orphaned``."""  # noqa: E501
    prefix: str
    """Up to 32 code points of text before the quote, for re-anchoring."""
    suffix: str
    """Up to 32 code points of text after the quote, for re-anchoring."""
    tag: Annotated[str, Field(pattern=ID_PATTERN)]
    """Tag id from the project's tag set."""
    tag_label: str
    """Human name of the tag, e.g. "Verifiable figure"."""
    subtype: str | None
    """Subtype id within the tag, or null."""
    attributes: dict[str, AttributeValue]
    """Typed attribute values by attribute id (text, number or true/false)."""
    note: str
    """The annotator's free-text note (may be empty and may span lines)."""
    created: datetime
    """When the claim was made (ISO 8601, UTC)."""
    modified: datetime
    """When the claim was last changed (ISO 8601, UTC)."""
    reviewed: bool
    """Whether the annotator marked the claim's sentence reviewed (false when ``orphaned``)."""
    orphaned: bool
    """True when the document changed and the quote could not be found again: the offsets refer to the older text."""  # noqa: E501


class Export(ExportModel):
    """Tagged claims exported from an annotate project (the JSON format of ``annotate export``)."""

    schema_version: Annotated[int, Field(ge=1)]
    """Version of this export shape; an importer refuses versions newer than it knows."""
    project: ExportProject
    """Id and title of the project the claims come from."""
    exported_at: datetime
    """When the export was made (ISO 8601, UTC); the only field that changes between runs."""
    documents: list[ExportDocument]
    """The exported documents, in project order."""
    claims: list[ExportClaim]
    """The claims, ordered by annotator, document (in project order), start, end and id."""
    reviewed: list[ExportReviewed]
    """Reviewed sentences of each exported annotator and document, so a re-import restores them."""


CLAIM_FIELDS: tuple[str, ...] = tuple(ExportClaim.model_fields)
"""Claim keys in the order every format writes them."""


def export_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON export, as committed in ``schemas/export.schema.json``."""
    schema = Export.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def export_schema_text() -> str:
    """The schema file's exact text: two-space indent, UTF-8, final newline."""
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(export_schema_text(), end="")
