"""Time limits hold: a step that never returns is stopped at its limit, and nothing keeps running.

Each case runs in its own ``asyncio.run`` (as the CLI does), so that the end of
the loop is part of what is checked: no task left, the sockets back to what
they were, and ``threading.enumerate()`` back to its baseline.

A thread cannot be interrupted in Python: a step that sleeps in
``asyncio.to_thread`` ends ``timeout`` at its limit all the same (the engine
stops awaiting it and the run goes on), while the worker thread finishes its
``time.sleep`` in the background and its result is thrown away; the loop's
executor shutdown waits for it. The test allows exactly that and no more.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from typing import Any

import pytest

from orchestrator_gui.core.engine import Engine
from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.core.steps import register_builtin_steps
from tests.httpserver import Reply, ScriptedServer, http_server

__all__ = ["http_server"]

THREAD_SLEEP = 1.2
SLACK = 0.5  # the bound: stopped within 0.5 s of the limit


async def never_returns(step: Any, ctx: Any) -> dict[str, Any]:
    await asyncio.Event().wait()
    return {}


async def sleeps_in_a_thread(step: Any, ctx: Any) -> dict[str, Any]:
    await asyncio.to_thread(time.sleep, THREAD_SLEEP)
    return {}


def registry() -> StepRegistry:
    reg = StepRegistry()
    register_builtin_steps(reg)
    for name, handler in [("never", never_returns), ("thread_sleep", sleeps_in_a_thread)]:
        reg.register(StepType(name=name, handler=handler))
    return reg


def open_sockets() -> int:
    if not sys.platform.startswith("linux"):
        return 0
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def run_alone(doc: dict[str, Any]) -> tuple[RunResult, float, set[asyncio.Task[Any]]]:
    """Run ``doc`` in a fresh loop; returns the result, seconds to the result, tasks left."""
    async def main() -> tuple[RunResult, float, set[asyncio.Task[Any]]]:
        t0 = time.perf_counter()
        result = await Engine(registry=registry()).start(doc, {"a": 1})
        elapsed = time.perf_counter() - t0
        await asyncio.sleep(0)  # let finished tasks be collected
        others = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
        return result, elapsed, others

    return asyncio.run(main())


def doc(*steps: dict[str, Any], **settings: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "limits", "name": "Limits", "steps": list(steps)}
    if settings:
        out["settings"] = settings
    return out


STEP_CASES = {
    "event-wait": {"id": "s", "type": "never", "name": "Never", "timeoutSeconds": 0.3},
    "to-thread-sleep": {"id": "s", "type": "thread_sleep", "name": "Sleep", "timeoutSeconds": 0.3},
}


@pytest.mark.parametrize("case", list(STEP_CASES))
def test_a_step_that_never_returns_stops_at_its_limit(case: str) -> None:
    threads, sockets = set(threading.enumerate()), open_sockets()
    result, elapsed, tasks_left = run_alone(doc(STEP_CASES[case]))
    assert result.status == "timeout"
    assert result.steps[0].status == "timeout"
    assert result.error is not None and result.error["type"] == "StepTimeout"
    assert 0.3 <= elapsed < 0.3 + SLACK, elapsed
    assert tasks_left == set()
    # asyncio.run has shut its executor down, so the to_thread worker has finished too
    assert set(threading.enumerate()) == threads
    assert open_sockets() == sockets


def test_a_run_stops_at_its_limit() -> None:
    threads = set(threading.enumerate())
    result, elapsed, tasks_left = run_alone(doc(
        {"id": "in", "type": "input", "name": "In"},
        {"id": "s", "type": "never", "name": "Never", "timeoutSeconds": 20},
        {"id": "after", "type": "metrics", "name": "After"},
        maxDurationSeconds=0.4,
    ))
    assert result.status == "timeout"
    assert [s.status for s in result.steps] == ["success", "timeout", "skipped"]
    assert result.error is not None and result.error["type"] == "RunTimeout"
    assert 0.4 <= elapsed < 0.4 + SLACK, elapsed
    assert tasks_left == set()
    assert set(threading.enumerate()) == threads


def test_a_webhook_that_never_answers_leaves_no_socket(http_server: ScriptedServer) -> None:
    http_server.script(Reply(delay=10))
    sockets = open_sockets()
    step = {"id": "s", "type": "webhook", "name": "Hook", "timeoutSeconds": 0.3,
            "config": {"url": http_server.url(), "retries": 0}}
    result, elapsed, tasks_left = run_alone(doc(step))
    assert result.status == "timeout" and elapsed < 0.3 + SLACK
    assert tasks_left == set()
    assert http_server.wait_idle()
    for _ in range(100):  # bounded: the closed transport's fd is released
        if open_sockets() <= sockets:
            break
        time.sleep(0.01)
    assert open_sockets() == sockets


def test_the_thread_is_stopped_being_awaited_not_killed() -> None:
    """What happens to a thread that cannot be interrupted, told plainly."""
    started = time.perf_counter()
    result, elapsed, _ = run_alone(doc(STEP_CASES["to-thread-sleep"]))
    total = time.perf_counter() - started
    assert result.steps[0].status == "timeout" and elapsed < 0.3 + SLACK
    # the run's answer came at the limit; the loop's shutdown then waited for the worker
    assert total >= THREAD_SLEEP
