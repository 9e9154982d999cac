"""The shipped JSON Schema: generated from the models, current, and agreeing with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orchestrator_gui import load_experiment
from orchestrator_gui.core.schema import SHIPPED, builtin_schema, schema_text
from orchestrator_gui.resources import path as resource_path

EXAMPLES = sorted(resource_path("examples").glob("*.json"))


def test_the_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(builtin_schema()), (
        "resources/schema/experiment.schema.json is stale: run "
        "`.venv/bin/python -m orchestrator_gui.core.schema` and commit the result"
    )


def test_the_schema_ships_inside_the_package() -> None:
    assert resource_path("schema", "experiment.schema.json").is_file()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_shipped_examples_satisfy_the_schema(example: Path) -> None:
    jsonschema.validate(json.loads(example.read_text(encoding="utf-8")), builtin_schema())


@pytest.mark.parametrize(
    "bad_config",
    [{"threshold": 2}, {"treshold": 0.5}, {"threshold": True}, {"agentType": 5}],
)
def test_the_schema_refuses_what_the_loader_refuses(bad_config: dict[str, Any]) -> None:
    doc = {"id": "e", "name": "E",
           "steps": [{"id": "a", "type": "ai_decision", "name": "A", "config": bad_config}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, builtin_schema())
    with pytest.raises(ValueError):
        load_experiment(doc)
