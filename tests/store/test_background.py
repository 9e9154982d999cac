"""The background recorder: history written on one writer thread, in order, nothing lost."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import run_experiment
from orchestrator_gui.core.events import RunFinished, RunStarted, StepFinished
from orchestrator_gui.store import Store
from orchestrator_gui.store.background import BackgroundRecorder

STEPS = 30
PIPELINE: dict[str, Any] = {
    "id": "bg-1",
    "name": "Background Pipeline",
    "steps": [{"id": "input-1", "type": "input", "name": "Collect", "config": {}}] + [
        {"id": f"m-{i}", "type": "data_mapping", "name": f"Step {i}",
         "config": {"mappings": {f"copy{i}": "riskScore"}}}
        for i in range(1, STEPS)],
}


class Gate:
    """Holds the writer thread inside its first ``on_written`` until opened."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.written: list[Any] = []

    def __call__(self, event: Any) -> None:
        self.written.append(event)
        if len(self.written) == 1:
            self.entered.set()
            assert self.opened.wait(10)


async def _run(listener: Any, input: dict[str, Any] | None = None) -> Any:
    return await run_experiment(PIPELINE, input or {"riskScore": 0.4}, "bg", on_event=listener)


async def test_every_step_is_written_in_event_order_and_reported(store: Store) -> None:
    written: list[Any] = []
    recorder = BackgroundRecorder(store, on_written=written.append)
    seen: list[Any] = []

    def listener(event: Any) -> None:
        seen.append(event)
        recorder.record_event(event)

    result = await _run(listener)
    assert recorder.flush(10)
    record = store.get_run(result.run_id)
    assert record["status"] == "success"
    assert [s["status"] for s in record["steps"]] == ["success"] * STEPS
    assert record["steps"][-1]["output"][f"copy{STEPS - 1}"] == 0.4
    assert {k: v for k, v in record.items() if k != "experiment"} == result.to_record()
    # reported on the writer thread, in the order the engine sent them
    kinds = (RunStarted, StepFinished, RunFinished)
    assert written == [e for e in seen if isinstance(e, kinds)]
    assert isinstance(written[0], RunStarted) and isinstance(written[-1], RunFinished)
    assert recorder.pending == 0 and recorder.failures == 0
    assert recorder.close()


async def test_values_are_taken_when_the_event_comes_not_when_it_is_written(
        store: Store) -> None:
    gate = Gate()
    recorder = BackgroundRecorder(store, on_written=gate)
    events: list[Any] = []

    def listener(event: Any) -> None:
        events.append(event)
        recorder.record_event(event)
        if isinstance(event, RunStarted):
            assert gate.entered.wait(10)  # the writer is held: everything after queues up

    result = await _run(listener)
    assert recorder.pending > STEPS  # nothing but the run's start is written yet
    assert not recorder.flush(0.05)  # flush says so when it times out
    for step in result.steps:  # the live objects change after the events were recorded
        step.status = "error"
        step.output_json = b'{"changed": true}'
    result.status = "cancelled"
    gate.opened.set()
    assert recorder.flush(10)
    record = store.get_run(result.run_id)
    assert record["status"] == "success"
    assert [s["status"] for s in record["steps"]] == ["success"] * STEPS
    assert record["steps"][1]["output"] != {"changed": True}
    recorder.close()


async def test_close_writes_everything_queued_and_later_events_are_not_dropped(
        db_path: Path) -> None:
    store = Store.open(db_path)
    gate = Gate()
    recorder = BackgroundRecorder(store, on_written=gate)

    def listener(event: Any) -> None:
        recorder.record_event(event)
        if isinstance(event, RunStarted) and len(gate.written) == 0:
            assert gate.entered.wait(10)

    first = await _run(listener)
    assert recorder.pending > STEPS
    threading.Timer(0.1, gate.opened.set).start()
    assert recorder.close()  # drains: waits for the held writer, then writes the rest
    assert recorder.close()  # twice is fine
    assert recorder.pending == 0
    second = await _run(recorder.record_event)  # after close: written inline, not lost
    store.close()

    reopened = Store.open(db_path)
    for result in (first, second):
        record = reopened.get_run(result.run_id)
        assert record["status"] == "success" and len(record["steps"]) == STEPS
        assert all(s["status"] == "success" for s in record["steps"])
    reopened.close()


async def test_a_failed_write_is_logged_and_reported_and_the_writer_goes_on(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    errors: list[tuple[Any, BaseException]] = []
    recorder = BackgroundRecorder(store, on_error=lambda e, x: errors.append((e, x)))
    victim: list[str] = []

    def listener(event: Any) -> None:
        recorder.record_event(event)
        if isinstance(event, StepFinished) and event.index == 2:
            # the user deletes the run from history while it goes: its next steps cannot
            # be stored (the run row is gone, foreign key)
            assert recorder.flush(10)
            store.delete_run(event.run_id)
            victim.append(event.run_id)

    with caplog.at_level(logging.ERROR, logger="orchestrator_gui.store.background"):
        await _run(listener)
        assert recorder.flush(10)
    assert errors and recorder.failures == len(errors)
    event, exc = errors[0]
    assert isinstance(event, StepFinished) and event.run_id == victim[0] and event.index == 3
    assert "FOREIGN KEY" in str(exc)
    assert any(victim[0] in r.getMessage() and "StepFinished" in r.getMessage()
               for r in caplog.records)

    after = await _run(recorder.record_event, {"riskScore": 0.8})  # the thread survived
    assert recorder.flush(10)
    record = store.get_run(after.run_id)
    assert record["status"] == "success" and len(record["steps"]) == STEPS
    assert recorder.close()


async def test_reads_on_the_caller_thread_while_the_writer_writes(store: Store) -> None:
    recorder = BackgroundRecorder(store)
    problems: list[BaseException] = []
    reads = 0

    def listener(event: Any) -> None:
        nonlocal reads
        recorder.record_event(event)
        try:  # the history panel's reads, while the writer thread commits
            store.list_runs("bg-1", limit=1000)
            if hasattr(event, "run_id"):
                with contextlib.suppress(KeyError):  # its start may not be written yet
                    store.get_run(event.run_id)
            reads += 1
        except Exception as exc:  # the engine would only log it: keep it for the assert
            problems.append(exc)

    results = [await _run(listener, {"riskScore": i / 10}) for i in range(5)]
    assert recorder.flush(10)
    assert problems == [] and reads > 5 * STEPS
    assert recorder.failures == 0
    assert {r.run_id for r in store.list_runs("bg-1")} == {r.run_id for r in results}
    recorder.close()


async def test_a_batch_that_fails_is_written_one_by_one_keeping_the_good_writes(
        store: Store) -> None:
    """One bad write among queued ones: the others are stored, the bad one reported."""
    doomed: list[Any] = []
    good: list[Any] = []
    await _run(doomed.append)
    kept = await _run(good.append, {"riskScore": 0.9})
    gate = Gate()
    errors: list[Any] = []
    recorder = BackgroundRecorder(store, on_written=gate, on_error=lambda e, _x: errors.append(e))
    recorder.record_event(doomed[0])  # its RunStarted is written, then the writer is held
    assert gate.entered.wait(10)
    bad = next(e for e in doomed if isinstance(e, StepFinished))
    for event in [good[0], bad, *good[1:]]:  # queued: one batch with a bad write inside
        recorder.record_event(event)
    store.delete_run(bad.run_id)  # the doomed run's step can no longer be stored
    gate.opened.set()
    assert recorder.flush(10)
    assert errors == [bad]
    record = store.get_run(kept.run_id)
    assert record["status"] == "success" and len(record["steps"]) == STEPS
    assert all(s["status"] == "success" and s["output"] for s in record["steps"])
    assert [e for e in gate.written if e.run_id == kept.run_id][-1] is good[-1]
    recorder.close()
