"""The built-in step types, one small module each, registered like plugins.

``register_builtin_steps`` is what the ``orchestrator_gui.steps`` entry point
named ``builtin`` points at (pyproject.toml).
"""

from __future__ import annotations

from orchestrator_gui.core.registry import StepRegistry


def register_builtin_steps(registry: StepRegistry) -> None:
    """Register the eight built-in step types in ``registry``."""
    from orchestrator_gui.core.steps import (
        ai_decision,
        compliance,
        data_mapping,
        input_step,
        metrics,
        prompt,
        transform,
        webhook,
    )

    for module in (input_step, transform, ai_decision, compliance, metrics, webhook, data_mapping, prompt):
        registry.register(module.STEP_TYPE)
