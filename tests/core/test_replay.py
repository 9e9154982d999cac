"""Recorded external answers: kept in the step record, and answered from it in a replay."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from orchestrator_gui import Engine, StepRegistry, StepType, run_experiment
from orchestrator_gui.core.steps import register_builtin_steps

CALLS = itertools.count(1)
SENT: list[dict[str, Any]] = []


async def ask_oracle(step: Any, ctx: Any) -> dict[str, Any]:
    async def call() -> dict[str, Any]:
        SENT.append(dict(ctx.input))
        return {"answer": next(CALLS)}

    reply = await ctx.external("oracle", {"question": ctx.input.get("q")}, call)
    return {**ctx.input, "answer": reply["answer"]}


@pytest.fixture
def engine() -> Engine:
    registry = StepRegistry()
    register_builtin_steps(registry)
    registry.register(StepType(name="oracle", handler=ask_oracle))
    return Engine(registry=registry)


DOC = {"id": "o", "name": "Oracle", "steps": [
    {"id": "in", "type": "input", "name": "In"},
    {"id": "ask", "type": "oracle", "name": "Ask"},
]}


async def test_a_replay_answers_from_the_recording_and_sends_nothing(engine: Engine) -> None:
    SENT.clear()
    first = await run_experiment(DOC, {"q": "why"}, engine=engine)
    record = first.to_record()
    assert record["steps"][1]["external"] == [
        {"kind": "oracle", "request": {"question": "why"}, "response": {"answer": first.output["answer"]}}
    ]
    assert len(SENT) == 1

    again = await run_experiment(DOC, {"q": "why"}, engine=engine, replay_of=record)
    assert len(SENT) == 1  # nothing was sent
    assert again.status == "success"
    assert again.output == first.output
    assert again.to_record()["replayOf"] == first.run_id
    assert again.to_record()["steps"][1]["external"][0]["replayed"] is True

    live = await run_experiment(DOC, {"q": "why"}, engine=engine)
    assert live.output["answer"] != first.output["answer"]  # a live run does call out


async def test_a_call_the_original_run_never_made_fails_the_step_clearly(engine: Engine) -> None:
    record = (await run_experiment(DOC, {"q": "x"}, engine=engine)).to_record()
    record["steps"][1]["external"] = []
    result = await run_experiment(DOC, {"q": "x"}, engine=engine, replay_of=record)
    assert result.status == "error"
    error = result.steps[1].error
    assert error is not None and error["type"] == "ReplayMissing"
    assert "no recorded oracle answer for step 'ask'" in error["message"]
