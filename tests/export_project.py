"""A small, fully deterministic project for the export and import tests.

Sentence boundaries, project id, tags and timestamps are fixed here rather than produced by
the segmenter or the default tag set, so the golden export changes only when the export does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from annotate.model import (
    Annotation,
    AnnotatorFile,
    AttributeDef,
    Document,
    Project,
    SentenceFile,
    SubtypeDef,
    TagDef,
)
from annotate.storage import (
    ProjectFolder,
    atomic_write_text,
    open_project,
    save_annotator_file,
    save_project,
    sentences_to_toml,
    sha256_text,
)

PROJECT_ID = "0123456789abcdef"

TEXTS = {
    "ru-report": ("Отчёт о восстановлении\n\n"
                  "Выпуск продукции вырос на 25 процентов. "
                  "«Героический труд» рабочих, сказал он, «решил всё».\n"),
    "mixed": ("工业恢复了。产量达到战前水平的75%! "
              "The lab 👩\u200d🔬 reported 3 cafe\u0301s and 🇺🇦 flags. "
              "Zoë said: \"=SUM(1,2)\" is a formula, not data.\n"),
}
"""Document texts: Cyrillic, CJK, emoji with ZWJ, flags, combining marks, a CSV trap."""

TAGS = [
    TagDef(id="figure", key="1", label="Verifiable figure", subtypes=[
        SubtypeDef(id="statistical")], attributes=[
        AttributeDef(id="value", type="number"), AttributeDef(id="unit", type="text"),
        AttributeDef(id="checked", type="bool")]),
    TagDef(id="propaganda", key="2", label="Propaganda framing", subtypes=[
        SubtypeDef(id="loaded-language")], attributes=[
        AttributeDef(id="certainty", type="choice", options=["clear", "borderline"])]),
    TagDef(id="quote", key="3", label="Attributed quotation"),
]

WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2024, 5, 2, 17, 5, 12, tzinfo=UTC)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Fixed, simple sentence spans: lines, split after . ! 。 or ! followed by a space."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text):
        line_start = match.start()
        for part in re.finditer(r".+?(?:[.!。]+(?=\s|$)|$)", match.group()):
            start = line_start + part.start()
            end = line_start + part.end()
            while start < end and text[start] == " ":
                start += 1
            if start < end:
                spans.append((start, end))
    return spans


def span_of(document_id: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    """Code-point offsets of the ``occurrence``-th ``quote`` in a fixture text."""
    text = TEXTS[document_id]
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def make_annotation(annotation_id: str, document_id: str, quote: str, tag: str,
                    **fields: object) -> Annotation:
    """An annotation on the first occurrence of ``quote``, with prefix and suffix filled in."""
    text = TEXTS[document_id]
    start, end = span_of(document_id, quote)
    data: dict[str, object] = {
        "id": annotation_id, "document": document_id, "start": start, "end": end,
        "quote": quote, "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32],
        "tag": tag, "created": WHEN, "modified": WHEN, **fields}
    return Annotation.model_validate(data)


def annotator_files() -> list[AnnotatorFile]:
    """Two annotators' work on the fixture texts."""
    maria = AnnotatorFile(annotator="maria", project=PROJECT_ID, reviewed={
        "ru-report": [0, 1, 2], "mixed": [0, 1]}, annotations=[
        make_annotation("m1", "ru-report", "вырос на 25 процентов", "figure",
                        subtype="statistical", attributes={"value": 25, "unit": "процентов",
                                                           "checked": False},
                        note="Сверить с отчётом\nза 1926 год, \"стр. 4\""),
        make_annotation("m2", "ru-report", "Героический", "propaganda",
                        subtype="loaded-language", attributes={"certainty": "clear"},
                        modified=LATER),
        make_annotation("m3", "mixed", "产量达到战前水平的75%", "figure",
                        attributes={"value": 75.0, "unit": "%"}),
        make_annotation("m4", "mixed", "👩\u200d🔬 reported 3 cafe\u0301s", "figure",
                        attributes={"value": 3}, note="=1+1"),
        make_annotation("m5", "mixed", "🇺🇦", "quote"),
    ])
    li = AnnotatorFile(annotator="li", project=PROJECT_ID, reviewed={"mixed": [2]},
                       annotations=[
        make_annotation("l1", "mixed", "工业恢复了。", "quote"),
        make_annotation("l2", "mixed", "\"=SUM(1,2)\"", "quote", note="-starts with a minus"),
        make_annotation("l3", "ru-report", "«решил всё»", "quote"),
    ])
    return [maria, li]


def build_project(root: Path, *, annotators: bool = True) -> ProjectFolder:
    """Write the fixture project into ``root`` and open it."""
    documents: list[Document] = []
    for document_id, text in TEXTS.items():
        digest = sha256_text(text)
        atomic_write_text(root / f"documents/{document_id}.txt", text)
        atomic_write_text(root / f"sentences/{document_id}.toml", sentences_to_toml(
            SentenceFile(document=document_id, sha256=digest, method="annotate-1",
                         spans=sentence_spans(text))))
        documents.append(Document(id=document_id, title=document_id.replace("-", " ").title(),
                                  path=f"documents/{document_id}.txt", sha256=digest,
                                  sentences=f"sentences/{document_id}.toml", length=len(text)))
    save_project(root, Project(id=PROJECT_ID, title="Export fixture", tags=TAGS,
                               documents=documents))
    (root / "annotations").mkdir(exist_ok=True)
    if annotators:
        for annotator_file in annotator_files():
            save_annotator_file(root / f"annotations/{annotator_file.annotator}.toml",
                                annotator_file)
    return open_project(root)
