"""No task and no socket outlives a webhook run, however the run ends.

A desktop app runs thousands of webhook steps in one process: a client left
open or a task left pending would add up to "too many open files" or a loop
that never goes quiet. Sockets are counted in /proc/self/fd (Linux), tasks
with ``asyncio.all_tasks()``. The test server's own connections are waited
out (``wait_idle``) before counting, so only the client side is measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from typing import Any

import pytest

from orchestrator_gui.core.engine import Engine
from tests.core.test_step_webhook import document, registry
from tests.httpserver import Reply, ScriptedServer, closed_port, http_server

__all__ = ["http_server"]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/fd")


def open_sockets() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own fd, closed by now
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def other_tasks() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current}


async def settle(server: ScriptedServer, baseline: int) -> int:
    """Let closed transports finish closing (bounded), then count sockets."""
    assert server.wait_idle()
    for _ in range(100):
        if open_sockets() <= baseline and not other_tasks():
            break
        await asyncio.sleep(0.01)
    return open_sockets()


CASES: dict[str, tuple[dict[str, Any], list[Reply], float | None, str]] = {
    "success": ({}, [Reply(200, body={"ok": True})], None, "success"),
    "error": ({}, [Reply(404)], None, "error"),
    "retried-then-error": (
        {"retries": 1}, [Reply(503, headers={"Retry-After": "0"})] * 2, None, "error"),
    "webhook-timeout": ({"timeoutSeconds": 0.2, "retries": 0}, [Reply(delay=5)], None, "error"),
    "step-timeout": ({}, [Reply(delay=5)], 0.5, "timeout"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_run_ending_any_way_leaves_nothing_open(
    http_server: ScriptedServer, case: str
) -> None:
    config, replies, step_timeout, expected = CASES[case]
    http_server.script(*replies)
    baseline = open_sockets()
    assert not other_tasks()
    engine = Engine(registry=registry())
    handle = engine.start(document({"url": http_server.url(), **config}, step_timeout), {"a": 1})
    result = await handle
    assert result.status == expected
    assert await settle(http_server, baseline) == baseline
    assert other_tasks() == set()


async def test_connection_refused_leaves_nothing_open(http_server: ScriptedServer) -> None:
    baseline = open_sockets()
    engine = Engine(registry=registry())
    url = f"http://127.0.0.1:{closed_port()}/hook"
    result = await engine.start(document({"url": url, "retries": 1}), {"a": 1})
    assert result.status == "error"
    assert await settle(http_server, baseline) == baseline
    assert other_tasks() == set()


async def test_cancel_mid_request_leaves_nothing_open(http_server: ScriptedServer) -> None:
    http_server.script(Reply(delay=5))
    baseline = open_sockets()
    engine = Engine(registry=registry())
    handle = engine.start(document({"url": http_server.url()}), {"a": 1})
    for _ in range(500):  # until the server holds the request (bounded)
        if http_server.requests:
            break
        await asyncio.sleep(0.01)
    assert http_server.requests, "the request never reached the server"
    assert open_sockets() > baseline  # the request's connection is open right now
    assert handle.cancel()
    result = await handle
    assert result.status == "cancelled"
    assert result.steps[0].status == "cancelled"
    assert await settle(http_server, baseline) == baseline
    assert other_tasks() == set()
