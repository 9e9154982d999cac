"""``input``: the run's entry point: defaults deep-merged under the input, required fields."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Step
from orchestrator_gui.core.errors import MissingField
from orchestrator_gui.core.registry import StepConfig, StepType


class InputConfig(StepConfig):
    """Config of ``input``."""

    default_value: dict[str, Any] = Field(
        default_factory=dict, description="Values used where the input has none."
    )
    required: list[str] = Field(
        default_factory=list, description="Fields that must be present and not null."
    )


def deep_merge(base: Any, override: Any) -> Any:
    """Objects merge key by key; lists, scalars and an explicit null replace."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


async def handle_input(step: Step, ctx: StepContext) -> dict[str, Any]:
    config: InputConfig = ctx.config
    output: dict[str, Any] = deep_merge(config.default_value, ctx.input)
    missing = [name for name in config.required if output.get(name) is None]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise MissingField(f"required field(s) missing or null: {names}")
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
