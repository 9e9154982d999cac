"""What a screen reader (or an automation tool) reads from the run panels, through Qt's
accessibility interface: the log's lines, the history's rows, the inspector's tree."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAccessible

from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)

STEPS = [("start", "input", {}), ("shape", "transform", {"mapping": {"risk": "riskScore"}})]


def _texts(interface: Any, depth: int = 0) -> list[str]:
    """Every name and value below ``interface``, as an accessibility client walks them."""
    found = [interface.text(QAccessible.Text.Name), interface.text(QAccessible.Text.Value)]
    if depth < 9:
        for index in range(min(interface.childCount(), 400)):
            child = interface.child(index)
            if child is not None:
                found += _texts(child, depth + 1)
    return [t for t in found if t]


def test_the_log_history_and_inspector_are_readable_through_accessibility(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    app_window.canvas.load(experiment(registry, STEPS))
    ex = experience(app_window)
    ex.simulator.preview.setPlainText('{"riskScore": 0.1}')
    ex.run()
    wait_finished(qtbot, app_window)
    ex.log_panel.flush()

    log = QAccessible.queryAccessibleInterface(ex.log_panel)
    assert log.role() == QAccessible.Role.EditableText and log.state().readOnly
    assert log.text(QAccessible.Text.Name) == "Run log"
    value = log.text(QAccessible.Text.Value)
    assert "started" in value and value.splitlines() == ex.log_panel.readable_lines()[-200:]

    qtbot.waitUntil(lambda: ex.history.table.model().rowCount() == 1)
    history = "\n".join(_texts(QAccessible.queryAccessibleInterface(ex.history.table)))
    assert "success" in history and "Custom" in history

    ex.canvas.select([n for n in ex.canvas.nodes() if n.step_id() == "start"])
    inspector_text = "\n".join(_texts(QAccessible.queryAccessibleInterface(ex.inspector)))
    assert "riskScore" in inspector_text
