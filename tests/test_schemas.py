"""The JSON Schema files in schemas/ match the models they are generated from."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from annotate.schemas import SCHEMA_MODELS, render
from annotate.storage import parse_toml
from tests.conftest import DATA

SCHEMAS = Path(__file__).parent.parent / "schemas"


class TestSchemas:
    @pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
    def test_committed_schema_matches_models(self, name: str) -> None:
        """schemas/<name> is what the models generate; run `python -m annotate.schemas`."""
        assert (SCHEMAS / name).read_text(encoding="utf-8") == render(name)

    @pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
    def test_schema_is_valid_json_schema(self, name: str) -> None:
        """Each schema is itself a valid Draft 2020-12 schema."""
        jsonschema.Draft202012Validator.check_schema(json.loads(render(name)))

    def test_project_file_validates_against_schema(self, small_project) -> None:  # type: ignore[no-untyped-def]
        """A project.toml written by the tool validates against the project schema."""
        path = small_project.root / "project.toml"
        data = parse_toml(path, path.read_text(encoding="utf-8"))
        jsonschema.validate(data, json.loads(render("project.schema.json")))

    def test_schema_rejects_unknown_key(self) -> None:
        """The schema forbids unknown keys, as the models do."""
        path = DATA / "bad_unknown_key.toml"
        data = json.loads(json.dumps(parse_toml(path, path.read_text()), default=str))
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, json.loads(render("annotator.schema.json")))
