"""Step types made for engine tests, registered in a registry of their own.

Each is a real handler run by the real engine; they only do what the engine
must cope with: sleep, fail, return junk, mutate what they were given.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from orchestrator_gui import Engine, Limits, StepRegistry, StepType
from orchestrator_gui.core.steps import register_builtin_steps


async def _append(step: Any, ctx: Any) -> dict[str, Any]:
    data = ctx.input
    data.setdefault("trail", []).append(step.id)
    ctx.log.info(f"visited {step.id}")
    return dict(data)


async def _sleep(step: Any, ctx: Any) -> dict[str, Any]:
    await asyncio.sleep(float(ctx.config.get("seconds", 10)))
    return dict(ctx.input)


async def _boom(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.log.warning("about to fail")
    raise ValueError("the flux capacitor is empty")


async def _junk(step: Any, ctx: Any) -> Any:
    return ctx.config.get("value", [1, 2, 3])


async def _unserialisable(step: Any, ctx: Any) -> dict[str, Any]:
    return {"when": {1, 2}}


async def _big(step: Any, ctx: Any) -> dict[str, Any]:
    return {"blob": "x" * int(ctx.config["bytes"])}


async def _mutate(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.input["nested"]["changed"] = True
    ctx.input["added"] = step.id
    return ctx.input


async def _gate(step: Any, ctx: Any) -> dict[str, Any]:
    ctx.filter_out()
    return {**ctx.input, "gated": True}


async def _wait_event(step: Any, ctx: Any) -> dict[str, Any]:
    await ctx.config["event"].wait() if "event" in ctx.config else asyncio.sleep(0)
    return dict(ctx.input)


TEST_TYPES = {
    "append": _append,
    "sleep": _sleep,
    "boom": _boom,
    "junk": _junk,
    "unserialisable": _unserialisable,
    "big": _big,
    "mutate": _mutate,
    "gate": _gate,
}


def make_registry() -> StepRegistry:
    registry = StepRegistry()
    register_builtin_steps(registry)
    for name, handler in TEST_TYPES.items():
        registry.register(StepType(name=name, handler=handler, category="Test"))
    return registry


@pytest.fixture
def registry() -> StepRegistry:
    return make_registry()


@pytest.fixture
def engine(registry: StepRegistry) -> Engine:
    return Engine(Limits(), registry=registry)


def experiment(*steps: tuple[str, str] | dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An experiment document from ``(id, type)`` pairs or full step dicts."""
    out = []
    for step in steps:
        if isinstance(step, tuple):
            step = {"id": step[0], "type": step[1], "name": step[0].title()}
        out.append(step)
    return {"id": "test-exp", "name": "Test", "steps": out, **extra}
