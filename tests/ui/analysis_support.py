"""Shared pieces of the analysis-view tests: the real main window with a running qasync loop.

The window is the app's own ``MainWindow`` (editor, run experience and the
analysis views), on the test's temporary store, opened on the shipped Risk
Assessment example; runs go through the real engine on the qasync loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.ui.main_window import MainWindow
from tests.ui.run_support import make_registry

COUNTS = {"calls": 0}


async def counter_handler(step: Any, ctx: Any) -> dict[str, Any]:
    """A step that answers differently every time (a clock, a model with temperature)."""
    COUNTS["calls"] += 1
    data: dict[str, Any] = ctx.input
    data["count"] = COUNTS["calls"]
    return data


def analysis_registry() -> StepRegistry:
    registry = make_registry()
    registry.register(StepType("counter", counter_handler, None, title="Counter",
                               color="#56d4dd"))
    return registry

RISK = resources.path("examples", "risk-assessment.json")


@pytest.fixture
def main_window(qtbot: Any, qloop: Any, qapp: Any) -> Iterator[MainWindow]:
    win = open_main_window(qtbot, qapp)
    yield win
    close_main_window(win)


def open_main_window(qtbot: Any, qapp: Any) -> MainWindow:
    """The app's window on Risk Assessment, shown, its store open and history read."""
    from orchestrator_gui.ui.style import apply_theme

    apply_theme(qapp)
    win = MainWindow(registry=analysis_registry())
    qtbot.addWidget(win)
    win.documents.ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
    win.documents.open_experiment(load_experiment(RISK, registry=win.registry), path=Path(RISK))
    win.show()
    qtbot.waitUntil(lambda: win.started)  # presets and history are read after the first paint
    return win


def close_main_window(win: MainWindow) -> None:
    win.run_experience.controller.cancel_all()
    job = win.analysis.job
    if job is not None:
        job.cancel()
    win.canvas.undo_stack.setClean()
    win.close()


def run_preset(qtbot: Any, window: MainWindow, preset: str) -> str:
    """Run the canvas with a preset, as the Run button does; the run id once it is stored."""
    ex = window.run_experience
    rows = ex.history.model.rowCount()
    ex.simulator.choose_preset(preset)
    result = ex.run()
    assert result is not None
    qtbot.waitUntil(lambda: not ex.controller.handles, timeout=15000)
    qtbot.waitUntil(lambda: ex.history.model.rowCount() == rows + 1, timeout=5000)
    return result.run_id


def node(window: MainWindow, step_id: str) -> Any:
    return next(n for n in window.canvas.nodes() if n.step_id() == step_id)


def set_threshold(window: MainWindow, value: float) -> None:
    ai = node(window, "ai-1")
    config = dict(ai.get_property("step_config"))
    config["threshold"] = value
    window.canvas.set_step_property(ai, "step_config", config)


def select_rows(qtbot: Any, window: MainWindow, *rows: int) -> None:
    table = window.run_experience.history.table
    for number, row in enumerate(rows):
        rect = table.visualRect(table.model().index(row, 1))
        modifier = Qt.KeyboardModifier.ControlModifier if number else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def menu_action(window: MainWindow, row: int, name: str) -> Any:
    """The history context menu's action ``name`` for ``row`` (as a right-click builds it)."""
    from orchestrator_gui.ui.analysis.history_menu import build_menu

    menu = build_menu(window.run_experience.history, window.analysis, row)
    found = [a for a in menu.findChildren(type(menu.actions()[0])) if a.objectName() == name]
    assert found, f"no {name} in the menu"
    return found[0]
