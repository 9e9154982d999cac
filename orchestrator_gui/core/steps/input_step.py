"""``input``: the run's entry point: defaults deep-merged under the input, required fields.

Output is ``defaultValue`` deep-merged with the step's input, the input
winning: where both hold an object they merge key by key; anywhere else
(lists, scalars, an explicit null) the input's value replaces the default.
``required`` names fields that must then be present and not null: each is a
top-level key written exactly or, failing that, a dotted path such as
``user.email`` or ``items[0].id``. Every missing one is named at once in a
``MissingField`` error.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import MissingField
from orchestrator_gui.core.paths import MISSING, check_path, copy_json, get_field
from orchestrator_gui.core.registry import StepConfig, StepType


class InputConfig(StepConfig):
    """Config of ``input``."""

    default_value: dict[str, Any] = Field(
        default_factory=dict, description="Values used where the input has none."
    )
    required: list[str] = Field(
        default_factory=list,
        description="Fields (or dotted paths) that must be present and not null.",
    )

    @field_validator("required")
    @classmethod
    def _paths_are_valid(cls, required: list[str]) -> list[str]:
        for path in required:
            check_path(path)
        return required


def deep_merge(base: Any, override: Any) -> Any:
    """Objects merge key by key; lists, scalars and an explicit null replace."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


def _absent(data: dict[str, Any], field: str) -> bool:
    value = get_field(data, field)
    return value is None or value is MISSING


async def handle_input(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: InputConfig = ctx.config
    # The default is copied so that no run can share (or change) the config's objects.
    output: dict[str, Any] = deep_merge(copy_json(config.default_value), ctx.input)
    missing = [name for name in dict.fromkeys(config.required) if _absent(output, name)]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise MissingField(
            f"required field(s) missing or null: {names} (add them to the run input or give "
            "them a defaultValue)"
        )
    return output


STEP_TYPE = StepType(
    name="input",
    handler=handle_input,
    config_model=InputConfig,
    title="Input",
    description="Collects the run input, fills defaults and checks required fields.",
    category="Data",
    color="#3b82f6",
    icon="input",
    builtin=True,
)
