"""Placeholder: being written."""
from __future__ import annotations

from typing import Any

from orchestrator_gui.core.registry import StepType


async def _todo(step: Any, ctx: Any) -> dict[str, Any]:
    return dict(ctx.input)


STEP_TYPE = StepType(name="data_mapping", handler=_todo, builtin=True)
