"""The experiment document's JSON Schema, generated from the models and shipped.

The shipped file (``resources/schema/experiment.schema.json``) is generated
from the built-in types only, so that it is the same on every machine; the
``orchestrator schema`` command prints the schema of the types installed
here, plugins included. A test fails when the shipped file is stale and says
how to regenerate it: ``python -m orchestrator_gui.core.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.registry import StepRegistry, default_registry

SHIPPED = Path(__file__).resolve().parent.parent / "resources" / "schema" / "experiment.schema.json"


def experiment_json_schema(registry: StepRegistry | None = None) -> dict[str, Any]:
    """The document's JSON Schema (draft 2020-12), with each registered type's config.

    A step's ``config`` is checked against its type's config model through
    ``if``/``then`` on ``type``, so editors that read JSON Schema validate
    configs as the loader does.
    """
    registry = registry or default_registry()
    schema = Experiment.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Experiment"
    schema["description"] = "An Experiment Orchestrator experiment document."
    defs = schema.setdefault("$defs", {})
    conditions = []
    for step_type in sorted(registry, key=lambda t: t.name):
        if step_type.config_model is None:
            continue
        sub = step_type.config_model.model_json_schema(
            by_alias=True, ref_template="#/$defs/{model}"
        )
        for name, definition in sub.pop("$defs", {}).items():
            defs.setdefault(name, definition)
        name = step_type.config_model.__name__
        defs[name] = sub
        conditions.append(
            {
                "if": {"properties": {"type": {"const": step_type.name}}, "required": ["type"]},
                "then": {"properties": {"config": {"$ref": f"#/$defs/{name}"}}},
            }
        )
    step_def = defs["Step"]
    step_def["allOf"] = conditions
    step_def["properties"]["type"]["description"] = "A registered step type: " + ", ".join(
        sorted(registry.names())
    )
    return schema


def builtin_schema() -> dict[str, Any]:
    """The schema of the document with the built-in step types only."""
    from orchestrator_gui.core.steps import register_builtin_steps

    registry = StepRegistry()
    register_builtin_steps(registry)
    return experiment_json_schema(registry)


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SHIPPED.parent.mkdir(parents=True, exist_ok=True)
    SHIPPED.write_text(schema_text(builtin_schema()), encoding="utf-8")
    print(f"wrote {SHIPPED}")
