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
