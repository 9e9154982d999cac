"""The engine, docs/format.md "Runs": order, data flow, statuses, limits, logs, events."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from orchestrator_gui import Engine, InputError, Limits, run_experiment
from orchestrator_gui.core import events
from orchestrator_gui.core.jsonio import DEFAULT_MAX_BYTES

from .conftest import experiment


async def test_steps_run_in_order_and_pass_data_along(engine: Engine) -> None:
    doc = experiment(("a", "append"), ("b", "append"), ("c", "append"))
    result = await run_experiment(doc, {"start": 1}, scenario="order", engine=engine)
    assert result.status == "success"
    assert [s.status for s in result.steps] == ["success"] * 3
    assert result.steps[0].input == {"start": 1}
    assert result.steps[1].input == {"start": 1, "trail": ["a"]}
    assert result.output == {"start": 1, "trail": ["a", "b", "c"]}
    assert result.output == result.steps[2].output
    record = result.to_record()
    assert record["scenario"] == "order" and record["error"] is None
    assert record["startedAt"].endswith("Z") and record["durationMs"] >= 0
    assert record["steps"][1]["logs"][0]["message"] == "visited b"
    assert set(record["steps"][1]["logs"][0]) == {"time", "level", "message"}


async def test_a_step_cannot_change_what_another_step_received(engine: Engine) -> None:
    doc = experiment(("m1", "mutate"), ("m2", "mutate"))
    result = await run_experiment(doc, {"nested": {"changed": False}}, engine=engine)
    assert result.status == "success"
    assert result.input == {"nested": {"changed": False}}
    assert result.steps[0].input == {"nested": {"changed": False}}
    assert result.steps[1].input == {"nested": {"changed": True}, "added": "m1"}
    assert result.steps[1].output["added"] == "m2"
    # decoded snapshots are fresh objects: changing one changes nothing recorded
    result.steps[0].input["nested"]["changed"] = "tampered"
    assert result.steps[0].input == {"nested": {"changed": False}}


async def test_an_error_stops_the_run_and_skips_the_rest(engine: Engine) -> None:
    doc = experiment(("a", "append"), ("bad", "boom"), ("c", "append"))
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "error"
    assert [s.status for s in result.steps] == ["success", "error", "skipped"]
    bad = result.steps[1]
    assert bad.error == {"type": "ValueError", "message": "the flux capacitor is empty"}
    assert bad.output is None and bad.duration_ms is not None
    assert [line["level"] for line in bad.logs] == ["warning", "error"]
    skipped = result.steps[2].to_record()
    assert skipped["input"] is None and skipped["output"] is None and skipped["durationMs"] is None
    assert result.output is None
    assert result.error is not None
    assert result.error["type"] == "ValueError" and result.error["stepId"] == "bad"


@pytest.mark.parametrize(
    ("step_type", "config", "expected"),
    [
        ("junk", {"value": [1, 2]}, "the step returned list, expected a JSON object (a dict)"),
        ("junk", {"value": "text"}, "the step returned str, expected a JSON object (a dict)"),
        ("unserialisable", {}, "the step's output is not JSON"),
    ],
)
async def test_an_output_that_is_not_a_json_object_fails_the_step(
    engine: Engine, step_type: str, config: dict[str, Any], expected: str
) -> None:
    doc = experiment({"id": "j", "type": step_type, "name": "J", "config": config})
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "error"
    assert result.steps[0].error is not None
    assert result.steps[0].error["type"] == "InvalidOutput"
    assert result.steps[0].error["message"].startswith(expected)


async def test_an_output_over_the_payload_limit_fails_the_step(registry: Any) -> None:
    engine = Engine(Limits(max_payload_bytes=1000), registry=registry)
    ok = experiment({"id": "b", "type": "big", "name": "B", "config": {"bytes": 900}})
    assert (await run_experiment(ok, {}, engine=engine)).status == "success"
    doc = experiment({"id": "b", "type": "big", "name": "B", "config": {"bytes": 1000}},
                     ("after", "append"))
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "error"
    assert result.steps[0].error is not None
    assert result.steps[0].error["type"] == "PayloadTooLarge"
    assert "over the limit" in result.steps[0].error["message"]
    assert result.steps[1].status == "skipped"


async def test_the_input_limit_is_checked_on_compact_bytes_before_any_step(engine: Engine) -> None:
    calls: list[str] = []
    engine.subscribe(lambda e: calls.append(type(e).__name__))
    doc = experiment({"id": "pass", "type": "sleep", "name": "Pass", "config": {"seconds": 0}})
    overhead = len(json.dumps({"x": ""}, separators=(",", ":")))
    exactly = {"x": "y" * (DEFAULT_MAX_BYTES - overhead)}
    result = await run_experiment(doc, exactly, engine=engine)
    assert result.status == "success"
    calls.clear()
    over = {"x": "y" * (DEFAULT_MAX_BYTES - overhead + 1)}
    with pytest.raises(InputError, match=r"10\.0 MB \(10485761 bytes\) as compact JSON"):
        await run_experiment(doc, over, engine=engine)
    assert calls == []  # refused before anything ran: not even RunStarted


async def test_text_input_with_whitespace_is_measured_compact(engine: Engine) -> None:
    doc = experiment(("a", "append"))
    payload = '{"x":  "' + "y" * 100 + '"}'
    result = await run_experiment(doc, payload, engine=engine)
    assert result.input == {"x": "y" * 100}
    with pytest.raises(InputError, match="must be a JSON object"):
        await run_experiment(doc, "[1, 2]", engine=engine)
    with pytest.raises(InputError, match="not valid JSON"):
        await run_experiment(doc, "{nope", engine=engine)


async def test_step_timeout_from_the_step_itself(engine: Engine) -> None:
    doc = experiment({"id": "slow", "type": "sleep", "name": "Slow", "timeoutSeconds": 0.2},
                     ("after", "append"))
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "timeout"
    assert [s.status for s in result.steps] == ["timeout", "skipped"]
    assert result.steps[0].error == {
        "type": "StepTimeout", "message": "step 'slow' exceeded its time limit of 0.2 s"
    }
    assert 150 <= (result.steps[0].duration_ms or 0) < 2000


async def test_step_timeout_from_settings_and_capped_by_the_app(registry: Any) -> None:
    doc = experiment({"id": "slow", "type": "sleep", "name": "Slow", "timeoutSeconds": 50},
                     settings={"stepTimeoutSeconds": 0.2})
    engine = Engine(Limits(step_timeout_seconds=0.3), registry=registry)
    result = await run_experiment(doc, {}, engine=engine)
    # the step asks for 50 s, the app allows at most 0.3 s
    assert result.steps[0].error == {
        "type": "StepTimeout", "message": "step 'slow' exceeded its time limit of 0.3 s"
    }
    del doc["steps"][0]["timeoutSeconds"]
    result = await run_experiment(doc, {}, engine=engine)
    assert result.steps[0].error is not None
    assert result.steps[0].error["message"].endswith("time limit of 0.2 s")


async def test_run_timeout_stops_the_running_step(engine: Engine) -> None:
    doc = experiment(("a", "append"), {"id": "slow", "type": "sleep", "name": "Slow"},
                     ("c", "append"), settings={"maxDurationSeconds": 0.3})
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "timeout"
    assert [s.status for s in result.steps] == ["success", "timeout", "skipped"]
    assert result.steps[1].error is not None
    assert result.steps[1].error["type"] == "RunTimeout"
    assert "0.3 s" in result.steps[1].error["message"]
    assert result.output is None


async def test_cancel_ends_the_running_step_as_cancelled(engine: Engine) -> None:
    doc = experiment(("a", "append"), {"id": "slow", "type": "sleep", "name": "Slow"},
                     ("c", "append"))
    handle = engine.start(doc, {})
    while handle.result.steps[1].status != "running":
        await asyncio.sleep(0.01)
    assert handle.cancel() is True
    result = await handle
    assert result.status == "cancelled"
    assert [s.status for s in result.steps] == ["success", "cancelled", "skipped"]
    assert result.steps[1].error == {"type": "Cancelled", "message": "run cancelled"}
    assert handle.cancel() is False  # already over


async def test_cancelling_the_caller_cancels_the_run(engine: Engine) -> None:
    doc = experiment({"id": "slow", "type": "sleep", "name": "Slow"})
    seen: list[Any] = []
    task = asyncio.create_task(run_experiment(doc, {}, engine=engine, on_event=seen.append))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    finished = [e for e in seen if isinstance(e, events.RunFinished)]
    assert [e.status for e in finished] == ["cancelled"]


async def test_filter_gate_ends_the_run_filtered(engine: Engine) -> None:
    doc = experiment(("a", "append"), ("g", "gate"), ("c", "append"))
    result = await run_experiment(doc, {}, engine=engine)
    assert result.status == "filtered"
    assert result.error is None
    assert [s.status for s in result.steps] == ["success", "success", "skipped"]
    assert result.output == {"trail": ["a"], "gated": True}


async def test_events_stream_in_order(engine: Engine) -> None:
    seen: list[Any] = []
    doc = experiment(("a", "append"), ("bad", "boom"), ("c", "append"))
    await run_experiment(doc, {}, engine=engine, on_event=seen.append)
    names = [type(e).__name__ for e in seen]
    assert names == [
        "RunStarted",
        "StepStarted", "StepLog", "StepFinished",
        "StepStarted", "StepLog", "StepFinished",
        "StepFinished",
        "RunFinished",
    ]
    assert [e.status for e in seen if isinstance(e, events.StepFinished)] == [
        "success", "error", "skipped"
    ]


async def test_a_failing_listener_never_breaks_the_run(engine: Engine) -> None:
    def broken(event: Any) -> None:
        raise RuntimeError("listener bug")

    result = await run_experiment(experiment(("a", "append")), {}, engine=engine,
                                  on_event=broken)
    assert result.status == "success"


async def test_more_than_ten_runs_wait_as_queued(engine: Engine) -> None:
    doc = experiment({"id": "slow", "type": "sleep", "name": "Slow", "config": {"seconds": 0.3}})
    queued: list[str] = []
    engine.subscribe(lambda e: queued.append(e.run_id) if isinstance(e, events.RunQueued) else None)
    handles = [engine.start(doc, {"n": i}) for i in range(12)]
    await asyncio.sleep(0.1)
    statuses = [h.result.status for h in handles]
    assert statuses.count("running") == 10
    assert statuses.count("queued") == 2
    assert queued == [h.run_id for h in handles[10:]]
    # cancelling a queued run leaves the others going
    handles[11].cancel()
    results = [await h for h in handles]
    assert [r.status for r in results] == ["success"] * 11 + ["cancelled"]
    assert all(s.status == "skipped" for s in results[11].steps)


async def test_no_task_is_left_after_runs_end_any_way(engine: Engine) -> None:
    before = asyncio.all_tasks()
    docs = [
        experiment(("a", "append")),
        experiment(("bad", "boom")),
        experiment({"id": "slow", "type": "sleep", "name": "S", "timeoutSeconds": 0.05}),
    ]
    for doc in docs:
        await run_experiment(doc, {}, engine=engine)
    handle = engine.start(experiment({"id": "slow", "type": "sleep", "name": "S"}), {})
    await asyncio.sleep(0.02)
    handle.cancel()
    await handle
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == before
    assert engine.active == {}


async def test_the_run_record_has_the_spec_shape(engine: Engine) -> None:
    result = await run_experiment(experiment(("a", "append")), {"k": 1}, scenario="High Risk",
                                  engine=engine)
    record = result.to_record()
    for key in ("runId", "experimentId", "scenario", "status", "startedAt", "finishedAt",
                "durationMs", "input", "output", "error", "steps"):
        assert key in record
    step = record["steps"][0]
    for key in ("id", "type", "name", "status", "durationMs", "input", "output", "error", "logs"):
        assert key in step
    assert json.loads(json.dumps(record)) == record


def test_a_program_stopping_mid_step_ends_the_run_interrupted() -> None:
    """SystemExit inside a step is not a success, and is not swallowed.

    Run in a fresh interpreter: a BaseException escaping asyncio.run leaves the
    interpreter in no state to go on running tests.
    """
    code = textwrap.dedent("""
        import asyncio, json
        from orchestrator_gui import Engine, StepRegistry, StepType, run_experiment
        from orchestrator_gui.core.events import RunFinished
        from orchestrator_gui.core.steps import register_builtin_steps

        async def exit_now(step, ctx):
            raise SystemExit(3)

        registry = StepRegistry()
        register_builtin_steps(registry)
        registry.register(StepType(name="exit_now", handler=exit_now))
        doc = {"id": "e", "name": "E", "steps": [
            {"id": "a", "type": "input", "name": "A"},
            {"id": "x", "type": "exit_now", "name": "X"},
            {"id": "c", "type": "input", "name": "C"}]}
        finished = []
        try:
            asyncio.run(run_experiment(doc, {}, engine=Engine(registry=registry),
                                       on_event=finished.append))
        except SystemExit:
            pass
        result = next(e.result for e in finished if isinstance(e, RunFinished))
        print(json.dumps({"status": result.status, "steps": [s.status for s in result.steps],
                          "error": result.steps[1].error}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"status": "interrupted", "steps": ["success", "cancelled", "skipped"],
                    "error": {"type": "SystemExit", "message": "3"}}


async def test_a_step_that_swallows_its_cancellation_is_still_stopped_at_its_limit(
    registry: Any,
) -> None:
    from orchestrator_gui import StepType

    async def stubborn(step: Any, ctx: Any) -> dict[str, Any]:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            ctx.log.warning("ignoring the cancellation")
        await asyncio.sleep(30)  # goes on as if nothing happened
        return dict(ctx.input)

    registry.register(StepType(name="stubborn", handler=stubborn))
    engine = Engine(registry=registry)
    doc = experiment({"id": "s", "type": "stubborn", "name": "S", "timeoutSeconds": 0.2},
                     ("after", "append"))
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await run_experiment(doc, {}, engine=engine)
    elapsed = loop.time() - started
    assert result.status == "timeout"
    assert result.steps[0].error is not None and result.steps[0].error["type"] == "StepTimeout"
    assert elapsed < 5  # stopped near its 0.2 s limit, not at the run's 60 s
    # and the run's own task finished cleanly: nothing left behind
    await asyncio.sleep(0)
    assert engine.active == {}


async def test_a_yielding_engine_lets_other_work_in_between_two_steps(
    registry: Any,
) -> None:
    """The app's engine gives the loop a turn before each step: work queued while a step
    ran (a window's timer, another run) goes before the next step, not after the run."""
    doc = experiment(("a", "append"), ("b", "append"), ("c", "append"))
    for yielding, expected in ((True, ["a", "other", "b", "c"]), (False, ["a", "b", "c", "other"])):
        order: list[str] = []
        engine = Engine(Limits(), registry=registry, yield_between_steps=yielding)

        def listen(event: Any, order: list[str] = order) -> None:
            if isinstance(event, events.StepFinished):
                order.append(event.step_id)
                if event.step_id == "a":
                    asyncio.get_running_loop().call_soon(order.append, "other")

        handle = engine.start(doc, {}, listeners=[listen])
        result = await handle
        await asyncio.sleep(0)
        assert result.status == "success"
        assert order == expected


async def test_a_run_cancelled_between_two_steps_ends_the_next_one_cancelled(
    registry: Any,
) -> None:
    engine = Engine(Limits(), registry=registry, yield_between_steps=True)
    doc = experiment(("a", "append"), ("b", "append"), ("c", "append"))
    handles: list[Any] = []

    def listen(event: Any) -> None:
        if isinstance(event, events.StepFinished) and event.step_id == "a":
            handles[0].cancel()  # while the run hands the loop over before step b

    handles.append(engine.start(doc, {}, listeners=[listen]))
    result = await handles[0]
    assert result.status == "cancelled"
    assert [s.status for s in result.steps] == ["success", "cancelled", "skipped"]
    assert result.steps[1].error == {"type": "Cancelled", "message": "run cancelled"}
    assert result.error is not None and result.error["stepId"] == "b"
