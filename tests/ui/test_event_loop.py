"""The window's asyncio loop: a Qt timer that falls due never waits behind the whole queue."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from orchestrator_gui.ui import event_loop
from orchestrator_gui.ui.event_loop import WindowEventLoop
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


def busy(ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass


def test_a_due_qt_timer_goes_before_the_callbacks_still_waiting(qloop: Any, qtbot: Any) -> None:
    """Ten runs' steps ready at once (3 ms each) must not hold a window timer for 30 ms."""
    order: list[str] = []

    def step(name: str) -> None:
        busy(3)
        order.append(name)

    for i in range(10):
        qloop.call_soon(step, f"step {i}")
    QTimer.singleShot(1, lambda: order.append("window timer"))
    qtbot.waitUntil(lambda: len(order) == 11)
    # due 1 ms in, during the first step: it runs right after that one (qasync alone
    # gives each callback its own Qt timer, due when queued, so it would run last)
    assert order.index("window timer") <= 1, order
    assert [o for o in order if o != "window timer"] == [f"step {i}" for i in range(10)]


def test_short_callbacks_queued_together_run_before_what_they_posted(
        qloop: Any, qtbot: Any, monkeypatch: Any) -> None:
    """A step's end and the next step's start run in one batch, so what they set off in Qt
    (the canvas's repaint, a zero timer) comes once, after both."""
    monkeypatch.setattr(event_loop, "BATCH_SECONDS", 0.05)  # room for a slow machine
    order: list[str] = []
    QTimer.singleShot(0, lambda: (
        qloop.call_soon(lambda: (order.append("step ends"),
                                 QTimer.singleShot(0, lambda: order.append("repaint")))),
        qloop.call_soon(order.append, "next step starts")))
    qtbot.waitUntil(lambda: len(order) == 3)
    assert order == ["step ends", "next step starts", "repaint"]


def test_callbacks_keep_their_order_and_a_failing_one_does_not_stop_the_rest(
        qloop: Any, qtbot: Any) -> None:
    ran: list[str] = []
    errors: list[dict[str, Any]] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))

    def fail() -> None:
        raise ValueError("broken callback")

    qloop.call_soon(ran.append, "first")
    qloop.call_soon(fail)
    qloop.call_soon(ran.append, "dropped").cancel()
    qloop.call_soon(ran.append, "last")
    qtbot.waitUntil(lambda: "last" in ran)
    assert ran == ["first", "last"]
    assert [str(e["exception"]) for e in errors] == ["broken callback"]


def test_coroutines_timers_and_other_threads_work_as_in_asyncio(qloop: Any, qtbot: Any) -> None:
    async def work() -> list[str]:
        done = qloop.create_future()
        threading.Thread(target=lambda: qloop.call_soon_threadsafe(done.set_result, "thread"),
                         daemon=True).start()
        slept = asyncio.sleep(0.02, result="slept")
        zero = asyncio.sleep(0, result="yielded")
        return list(await asyncio.gather(slept, zero, done))

    task = qloop.create_task(work())
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.result() == ["slept", "yielded", "thread"]


def test_a_closed_loop_drops_what_was_still_queued(qapp: QApplication) -> None:
    loop = WindowEventLoop(qapp)
    ran: list[str] = []
    loop.call_soon(ran.append, "too late")
    loop.close()
    deadline = time.perf_counter() + 0.1
    while time.perf_counter() < deadline:
        qapp.processEvents()
    assert ran == []
    assert loop.is_closed()
