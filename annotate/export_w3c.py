"""W3C Web Annotation JSON-LD: claims to ``Annotation`` objects and back.

Each claim becomes an ``Annotation`` whose target holds a ``TextQuoteSelector`` and a
``TextPositionSelector`` and whose bodies are a ``tagging`` body (the tag) and, if there is a
note, a ``commenting`` body. What the Web Annotation vocabulary has no term for (annotator
name, subtype, attributes, the sentence, review mark) is kept under ``annotate:claim`` so an
import gets back exactly what was exported.
"""

from __future__ import annotations

from typing import Any, TextIO

from annotate.export import (
    ClaimWriter,
    _pretty,
    annotator_claims,
    close_items,
    export_header,
    reviewed_json,
    write_items,
)

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The Web Annotation JSON-LD context."""

NAMESPACE = "urn:annotate:"
"""IRI prefix of the ``annotate:`` terms and of document and annotation identifiers."""

CONTEXT: list[Any] = [ANNO_CONTEXT, {
    "@version": 1.1,
    "annotate": NAMESPACE,
    "annotate:claim": {"@type": "@json"},
    "annotate:export": {"@type": "@json"},
    "annotate:reviewed": {"@type": "@json"},
}]
"""The collection's ``@context``: the W3C context plus this tool's JSON-valued extension terms."""

EXTRA_FIELDS = ("id", "annotator", "document", "sentence_index", "sentence_text", "tag_label",
                "subtype", "attributes", "reviewed", "orphaned")
"""Claim fields kept under ``annotate:claim``; the rest map to Web Annotation terms."""


def document_iri(project_id: str, document_id: str) -> str:
    """The ``target.source`` of a claim on this document."""
    return f"{NAMESPACE}{project_id}:document:{document_id}"


def claim_to_annotation(claim: dict[str, Any], project_id: str) -> dict[str, Any]:
    """One exported claim as a W3C ``Annotation``."""
    bodies: list[dict[str, str]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": claim["tag"]}]
    if claim["note"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": claim["note"],
                       "format": "text/plain"})
    return {
        "id": f"{NAMESPACE}{project_id}:annotation:{claim['annotator']}:{claim['id']}",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "name": claim["annotator"]},
        "created": claim["created"],
        "modified": claim["modified"],
        "body": bodies,
        "target": {
            "source": document_iri(project_id, claim["document"]),
            "selector": [
                {"type": "TextQuoteSelector", "exact": claim["quote"],
                 "prefix": claim["prefix"], "suffix": claim["suffix"]},
                {"type": "TextPositionSelector", "start": claim["start"],
                 "end": claim["end"]},
            ],
        },
        "annotate:claim": {name: claim[name] for name in EXTRA_FIELDS},
    }


class W3cWriter(ClaimWriter):
    """An ``AnnotationCollection`` with every claim in its first page."""

    join = ","

    def head(self, out: TextIO) -> None:
        header = export_header(self.plan, self.now)
        head = {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": self.plan.folder.project.title,
            "generator": {"type": "Software", "name": "annotate"},
            "generated": header["exported_at"],
            "annotate:export": header,
            "first": {"type": "AnnotationPage", "startIndex": 0},
        }
        text = _pretty(head, "")
        out.write(text[: text.rindex("\n  }")] + ',\n    "items": [')

    def claims(self, out: TextIO, annotator: str, *, continuing: bool) -> int:
        project_id = self.plan.folder.project.id
        return write_items(out, (claim_to_annotation(c, project_id)
                                 for c in annotator_claims(self.plan, annotator)),
                           "      ", continuing=continuing)

    def tail(self, out: TextIO, count: int) -> None:
        out.write(close_items("      ", count) + f'\n  }},\n  "total": {count},\n  '
                  '"annotate:reviewed": ' + reviewed_json(self.plan.reviewed, "  ") + "\n}\n")


class AnnotationShapeError(ValueError):
    """A W3C annotation that lacks what a claim needs; ``field`` names the missing part."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def _selector(target: Any, kind: str) -> dict[str, Any]:
    selectors = target.get("selector") if isinstance(target, dict) else None
    if isinstance(selectors, dict):
        selectors = [selectors]
    for selector in selectors if isinstance(selectors, list) else []:
        if isinstance(selector, dict) and selector.get("type") == kind:
            return selector
    raise AnnotationShapeError("target.selector", f"no {kind}")


def annotation_to_claim(annotation: Any) -> dict[str, Any]:
    """The claim fields of a W3C ``Annotation`` written by ``claim_to_annotation``."""
    if not isinstance(annotation, dict) or annotation.get("type") != "Annotation":
        raise AnnotationShapeError("type", "expected an object with \"type\": \"Annotation\"")
    extra = annotation.get("annotate:claim")
    if not isinstance(extra, dict):
        raise AnnotationShapeError("annotate:claim", "missing; this annotation was not "
                                                     "exported by annotate")
    bodies = annotation.get("body")
    if isinstance(bodies, dict):
        bodies = [bodies]
    if not isinstance(bodies, list):
        raise AnnotationShapeError("body", "missing")
    texts = {b["purpose"]: b.get("value") for b in bodies
             if isinstance(b, dict) and isinstance(b.get("purpose"), str)}
    if "tagging" not in texts:
        raise AnnotationShapeError("body", "no TextualBody with purpose \"tagging\"")
    target = annotation.get("target")
    quote = _selector(target, "TextQuoteSelector")
    position = _selector(target, "TextPositionSelector")
    claim = dict(extra)
    claim.update({
        "start": position.get("start"), "end": position.get("end"),
        "quote": quote.get("exact"), "prefix": quote.get("prefix", ""),
        "suffix": quote.get("suffix", ""), "tag": texts["tagging"],
        "note": texts.get("commenting", ""),
        "created": annotation.get("created"), "modified": annotation.get("modified"),
    })
    return claim


def collection_items(data: Any) -> tuple[list[Any], str]:
    """The annotations of a collection, page, single annotation or list, with their path."""
    if isinstance(data, list):
        return data, ""
    if not isinstance(data, dict):
        raise AnnotationShapeError("", "expected a JSON object")
    kind = data.get("type")
    if kind == "Annotation":
        return [data], ""
    if kind == "AnnotationPage" and isinstance(data.get("items"), list):
        return data["items"], "items"
    first = data.get("first")
    if kind == "AnnotationCollection" and isinstance(first, dict) and isinstance(
            first.get("items"), list):
        return first["items"], "first.items"
    raise AnnotationShapeError("first.items", "expected an AnnotationCollection whose first "
                                              "page lists the annotations in \"items\"")
