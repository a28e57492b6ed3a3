"""JSON Schema files for the project folder, generated from the models.

Run ``python -m annotate.schemas`` to rewrite ``schemas/``; a test fails when they drift.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import annotate.model
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


def attribute_docstrings(source: str) -> dict[str, dict[str, str]]:
    """The docstring under each annotated attribute of each class in ``source``."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs = found.setdefault(node.name, {})
        for statement, following in zip(node.body, node.body[1:], strict=False):
            if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


@functools.cache
def _describe_fields() -> None:
    """Give the file models' fields their attribute docstrings as descriptions, once."""
    docs = attribute_docstrings(Path(annotate.model.__file__).read_text(encoding="utf-8"))
    for value in vars(annotate.model).values():  # in definition order: nested models first
        if (isinstance(value, type) and issubclass(value, annotate.model.Strict)
                and value.__module__ == annotate.model.__name__):
            fields = docs.get(value.__name__, {})
            for field_name, info in value.model_fields.items():
                if info.description is None and field_name in fields:
                    info.description = fields[field_name]
            value.model_rebuild(force=True)


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema document for one file kind."""
    _describe_fields()
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
