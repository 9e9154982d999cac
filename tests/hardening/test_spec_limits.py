"""The limits of docs/format.md, exactly at the edge: 10 concurrent runs, 1,000 stored runs, 50 steps."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.cli import main as cli_main
from orchestrator_gui.core.engine import Engine, RunHandle
from orchestrator_gui.core.events import RunQueued, RunStarted
from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.core.steps import register_builtin_steps
from orchestrator_gui.store import Store


async def test_the_11th_concurrent_run_waits_queued() -> None:
    gate = asyncio.Event()

    async def held(step: Any, ctx: Any) -> dict[str, Any]:
        await gate.wait()
        return dict(ctx.input)

    reg = StepRegistry()
    reg.register(StepType(name="held", handler=held))
    engine = Engine(registry=reg)
    events: list[tuple[str, str]] = []
    engine.subscribe(lambda e: events.append((type(e).__name__, e.run_id))
                     if isinstance(e, RunStarted | RunQueued) else None)
    doc = {"id": "c", "name": "C", "steps": [{"id": "h", "type": "held", "name": "Held"}]}
    handles: list[RunHandle] = [engine.start(doc, {"n": n}) for n in range(11)]
    for _ in range(50):
        await asyncio.sleep(0)
    statuses = [h.result.status for h in handles]
    assert statuses == ["running"] * 10 + ["queued"]
    assert ("RunQueued", handles[10].run_id) in events
    assert sum(kind == "RunStarted" for kind, _ in events) == 10
    gate.set()
    results = await asyncio.gather(*handles)
    assert [r.status for r in results] == ["success"] * 11
    assert events[-1] == ("RunStarted", handles[10].run_id)  # it started once a slot was free


async def test_the_1001st_stored_run_leaves_exactly_1000(tmp_path: Path) -> None:
    reg = StepRegistry()
    register_builtin_steps(reg)
    engine = Engine(registry=reg)
    doc = load_experiment({"id": "r", "name": "R",
                           "steps": [{"id": "i", "type": "input", "name": "I"}]})
    with Store.open(tmp_path / "runs.db", seed_examples=False) as store:
        first = None
        for n in range(1001):
            handle = engine.start(doc, {"n": n}, listeners=[store.record_event])
            result = await handle
            first = first or result.run_id
        assert store.runs.count() == 1000
        assert len(store.list_runs(limit=2000)) == 1000
        with pytest.raises(KeyError):
            store.get_run(str(first))  # the oldest went
        assert store.list_runs(limit=1)[0].run_id == result.run_id


def fifty_one() -> dict[str, Any]:
    return {"id": "big", "name": "Big",
            "steps": [{"id": f"s{i}", "type": "input", "name": f"S{i}"} for i in range(51)]}


def test_the_51st_step_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifty = fifty_one()
    fifty["steps"].pop()
    assert len(load_experiment(fifty).steps) == 50
    with pytest.raises(ExperimentError) as info:
        load_experiment(fifty_one())
    assert info.value.problems == ["steps: must have at most 50 items (has 51)"]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(fifty_one()))
    assert cli_main(["validate", str(path)]) == 2
    assert "steps: must have at most 50 items (has 51)" in capsys.readouterr().err
