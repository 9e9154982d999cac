"""Several runs at once: beyond ten they wait as queued; cancelling one spares the rest."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

from typing import Any

from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)


def test_twelve_runs_ten_go_two_queue_and_one_is_cancelled(app_window: Any, qtbot: Any,
                                                            registry: Any, store: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("wait", "sleep", {"seconds": 1.0})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ctl = ex.controller
    runs = [ex.run() for _ in range(12)]
    assert all(r is not None for r in runs)
    qtbot.waitUntil(lambda: ctl.count("running") == 10 and ctl.count("queued") == 2)
    assert "10 running, 2 queued" in ex.progress.text()
    # the followed run (the last one started) is queued, and says so
    assert ctl.shown.live is runs[-1]
    assert "queued, waiting for a free slot" in ex.progress.text()
    qtbot.waitUntil(lambda: {r.status for r in store.list_runs("exp-test", limit=20)}
                    == {"running", "queued"})
    qtbot.waitUntil(lambda: ex.history.model.rowCount() == 12)

    victim = runs[3]
    assert victim is not None
    ctl.focus(victim.run_id)
    assert ex.simulator.cancel_button.isEnabled()
    ex.simulator.cancel_button.click()
    qtbot.waitUntil(lambda: victim.status == "cancelled")
    assert victim.step("wait").status == "cancelled"
    assert ctl.count("running") + ctl.count("queued") == 11  # the others go on

    wait_finished(qtbot, app_window)
    statuses = sorted(r.status for r in store.list_runs("exp-test", limit=20))
    assert statuses == ["cancelled"] + ["success"] * 11
    qtbot.waitUntil(lambda: sorted(ex.history.model.runs[i].status for i in range(12))
                    == statuses)


def test_the_canvas_draws_the_followed_run_and_switches_to_another_live_one(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("a", "sleep", {"seconds": 0.3}),
                                ("b", "sleep", {"seconds": 0.3})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ctl = ex.controller
    steps_seen: list[tuple[str, str]] = []
    ctl.bridge.step_finished.connect(lambda e: steps_seen.append((e.run_id, e.step_id)))
    first, second = ex.run(), ex.run()
    assert first is not None and second is not None
    assert ctl.shown.live is second  # the last one started is followed
    qtbot.waitUntil(lambda: ex.overlay.active == "a")
    assert {run_id for run_id, _ in steps_seen} == {second.run_id}  # step signals: followed only

    ctl.focus(first.run_id)  # picked while both go: drawn from what it did so far, then live
    assert ex.overlay.drawn is not None and ex.overlay.drawn.live is first
    qtbot.waitUntil(lambda: ex.overlay.status_of("b") is not None
                    and ex.overlay.status_of("b").startswith("✓"), timeout=5000)
    assert ex.overlay.status_of("a").startswith("✓")
    assert (first.run_id, "b") in steps_seen
    wait_finished(qtbot, app_window)
