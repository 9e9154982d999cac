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
    assert ctl.focused is runs[-1]
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
