"""The step-type registry: metadata, custom types, entry-point discovery, duplicates."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from orchestrator_gui import (
    Engine,
    ExperimentError,
    StepConfig,
    StepRegistry,
    StepType,
    load_experiment,
    run_experiment,
)
from orchestrator_gui.core.errors import RegistryError

BUILTINS = {"input", "transform", "ai_decision", "compliance_check", "metrics", "webhook",
            "data_mapping"}


class GreetConfig(StepConfig):
    """Config of the test's custom type."""

    greeting: str = Field(default="Hello", min_length=1)
    times: int = Field(default=1, ge=1, le=5)


async def greet(step: Any, ctx: Any) -> dict[str, Any]:
    config: GreetConfig = ctx.config
    ctx.log.info(f"greeting {ctx.input.get('who')}")
    return {**ctx.input, "greeting": " ".join([config.greeting] * config.times)}


def test_builtins_arrive_through_the_entry_point_group() -> None:
    registry = StepRegistry()
    registry.load_entry_points()
    assert set(registry.names()) >= BUILTINS
    assert registry.load_errors == []
    for step_type in registry:
        if step_type.name in BUILTINS:
            assert step_type.builtin
            assert step_type.title and step_type.description and step_type.category
            assert step_type.color.startswith("#") and step_type.icon
            assert step_type.config_model is not None


def test_duplicate_names_are_refused() -> None:
    registry = StepRegistry()
    registry.register(StepType(name="greet", handler=greet))
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(StepType(name="greet", handler=greet))


def test_bad_names_and_handlers_are_refused() -> None:
    with pytest.raises(RegistryError):
        StepType(name="has space", handler=greet)
    with pytest.raises(RegistryError):
        StepType(name="x", handler="not callable")  # type: ignore[arg-type]


async def test_a_custom_type_is_registered_validated_and_run() -> None:
    registry = StepRegistry()
    registry.load_entry_points()
    registry.register(StepType(name="greet", handler=greet, config_model=GreetConfig,
                               title="Greet", category="Custom", color="#ff00ff", icon="star"))
    doc = {"id": "g", "name": "Greeter", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "hi", "type": "greet", "name": "Say hi", "config": {"greeting": "Hi", "times": 2}},
    ]}
    result = await run_experiment(doc, {"who": "Ada"}, engine=Engine(registry=registry))
    assert result.status == "success"
    assert result.output == {"who": "Ada", "greeting": "Hi Hi"}
    assert result.steps[1].logs[0]["message"] == "greeting Ada"

    doc["steps"][1]["config"] = {"times": 9, "greting": "x"}
    with pytest.raises(ExperimentError) as info:
        load_experiment(doc, registry=registry)
    assert "steps[1] (hi): config.times: must be <= 5" in info.value.problems
    assert any("config.greting: unknown key (did you mean 'greeting'?)" in p
               for p in info.value.problems)


def test_a_third_party_package_registers_through_an_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pip leaves on disk for a plugin package: its module and a dist-info folder."""
    (tmp_path / "acme_steps.py").write_text(textwrap.dedent('''
        from orchestrator_gui import StepType

        async def shout(step, ctx):
            return {**ctx.input, "shout": str(ctx.input.get("text", "")).upper()}

        STEP = StepType(name="acme_shout", handler=shout, title="Shout", category="Acme")

        def register(registry):
            registry.register(StepType(name="acme_whisper", handler=shout))
    '''))
    dist = tmp_path / "acme_steps-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-steps\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[orchestrator_gui.steps]\nshout = acme_steps:STEP\nwhisper = acme_steps:register\n"
        "broken = acme_steps:does_not_exist\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "acme_steps", raising=False)
    registry = StepRegistry()
    registry.load_entry_points()
    assert {"acme_shout", "acme_whisper"} <= set(registry.names())
    assert registry.get("acme_shout").category == "Acme"
    assert set(registry.names()) >= BUILTINS
    # one broken plugin is reported, not fatal
    assert len(registry.load_errors) == 1 and "'broken'" in registry.load_errors[0]
