"""JSON Schema files for the project folder, generated from the models.

Run ``python -m annotate.schemas`` to rewrite ``schemas/``; a test fails when they drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from annotate.model import AnnotatorFile, Project, SentenceFile

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "project.schema.json": Project,
    "annotator.schema.json": AnnotatorFile,
    "sentences.schema.json": SentenceFile,
}
"""Schema file name -> the model it describes."""

_TITLES = {
    "project.schema.json": "annotate project.toml",
    "annotator.schema.json": "annotate annotator file (annotations/<name>.toml)",
    "sentences.schema.json": "annotate sentence file (sentences/<document>.toml)",
}


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema document for one file kind."""
    schema = SCHEMA_MODELS[name].model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://annotate.invalid/schemas/{name}",
            **schema, "title": _TITLES[name]}


def render(name: str) -> str:
    """The schema as the text stored in ``schemas/``."""
    return json.dumps(schema_for(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_all(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; return the paths written."""
    from annotate.storage import atomic_write_text

    written = []
    for name in SCHEMA_MODELS:
        path = folder / name
        atomic_write_text(path, render(name))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("schemas")
    for path in write_all(target):
        print(path)
