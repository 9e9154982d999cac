"""A path cell offers the fields that actually reached the step in the run shown."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from typing import Any

from orchestrator_gui.core.paths import field_paths
from orchestrator_gui.ui.panels.rows_editor import RowsEditor
from tests.ui.analysis_support import main_window  # noqa: F401 (fixture)
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


def test_a_mapping_cell_completes_from_what_reached_the_step(main_window: Any, qtbot: Any) -> None:
    ex = main_window.run_experience
    transform = next(n for n in main_window.canvas.nodes() if n.step_id() == "transform-1")
    main_window.canvas.select([transform])
    rows = main_window.properties.editor("mapping").control
    assert isinstance(rows, RowsEditor)
    assert rows.completions.stringList() == []  # no run yet: nothing to offer
    ex.simulator.preview.setPlainText('{"riskScore": 0.3, "email": null, "user": {"tier": "b"}}')
    ex.simulator.run_button.click()
    qtbot.waitUntil(lambda: ex.shown.view is not None and ex.shown.view.status == "success",
                    timeout=15000)
    main_window.canvas.select([])
    main_window.canvas.select([transform])
    rows = main_window.properties.editor("mapping").control
    offered = rows.completions.stringList()
    assert {"riskScore", "email", "user", "user.tier"} <= set(offered), offered


def test_field_paths_are_bounded_and_breadth_first() -> None:
    data = {"a": {"b": {"c": 1}}, "d": 2, "wide": {str(i): i for i in range(1000)}}
    paths = field_paths(data, limit=50)
    assert paths[:3] == ["a", "d", "wide"] and len(paths) == 50
    assert field_paths([1, 2]) == [] and field_paths({"x": [{"y": 1}]}) == ["x"]


def test_a_past_runs_canvas_shows_that_runs_config_read_only(main_window: Any, qtbot: Any) -> None:
    from tests.ui.analysis_support import set_threshold

    ex = main_window.run_experience
    ex.simulator.run_button.click()
    qtbot.waitUntil(lambda: ex.history.model.rowCount() == 1, timeout=15000)
    run_id = ex.history.model.run_at(0).run_id
    qtbot.waitUntil(lambda: ex.shown.view is not None and ex.shown.view.status == "success",
                    timeout=15000)
    set_threshold(main_window, 0.25)  # the experiment changes after the run
    ex.show_run(run_id)
    assert ex.stack.currentWidget() is ex.replay
    old_ai = next(n for n in ex.replay.canvas.nodes() if n.step_id() == "ai-1")
    ex.replay.canvas.select([old_ai])
    threshold = main_window.properties.editor("threshold")
    assert threshold.value()[0] == 0.7  # as it was for that run, not the current 0.25
    assert not threshold.control.isEnabled()
    ex.replay.back_button.click()
    ai = next(n for n in main_window.canvas.nodes() if n.step_id() == "ai-1")
    main_window.canvas.select([ai])
    threshold = main_window.properties.editor("threshold")
    assert threshold.value()[0] == 0.25 and threshold.control.isEnabled()
