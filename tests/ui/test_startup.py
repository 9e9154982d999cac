"""Start-up: the window opens on the example first; stored data fills in right after it is shown.

What is not visible at start is built on first use (the comparison view); the
speed itself is measured by bench/bench_canvas.py, not here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import run_experiment
from orchestrator_gui.store import Store
from orchestrator_gui.ui import app as gui_app
from orchestrator_gui.ui.main_window import MainWindow

RISK = resources.path("examples", "risk-assessment.json")


@pytest.fixture
def started(qtbot: QtBot) -> Iterator[MainWindow]:
    store = Store.open()  # the test's database: the examples are seeded, one run stored
    experiment = load_experiment(RISK)
    result = asyncio.run(run_experiment(experiment, {"riskScore": 0.2}, "Happy Path",
                                        store=store))
    assert result.status == "success"
    store.save_preset("My Edge Case", {"riskScore": 0.5})
    store.close()
    window = gui_app.build_window(None)
    qtbot.addWidget(window)
    yield window
    window.canvas.undo_stack.setClean()
    window.close()


def test_the_history_lists_the_examples_runs_once_the_window_is_on_screen(
        qtbot: QtBot, started: MainWindow) -> None:
    history = started.run_experience.history  # type: ignore[attr-defined]
    assert started.canvas.base["id"] == "risk-assessment" and started.canvas.nodes()
    assert history.model.rowCount() == 0 and not started.started  # nothing read before

    started.show()
    qtbot.waitUntil(lambda: started.started)
    assert history.model.rowCount() == 1
    assert history.model.run_at(0).scenario == "Happy Path"  # type: ignore[union-attr]
    assert history.count_label.text() == "1 run"


def test_the_compare_panel_opened_from_the_view_menu_shows_the_comparison_view(
        qtbot: QtBot, started: MainWindow) -> None:
    from orchestrator_gui.ui.analysis.compare_view import CompareView

    started.show()
    qtbot.waitUntil(lambda: started.started)
    dock = started.docks["compareDock"]
    assert not dock.isVisible()
    dock.toggleViewAction().trigger()  # View → Compare: a tab beside the inspector
    dock.raise_()  # its tab chosen
    qtbot.waitUntil(lambda: isinstance(dock.widget(), CompareView))
    view = dock.widget()
    qtbot.waitUntil(view.isVisible)
    assert started.analysis.view is view  # type: ignore[attr-defined]


def test_the_built_in_presets_are_offered_at_once_and_the_users_own_once_shown(
        qtbot: QtBot, started: MainWindow) -> None:
    simulator = started.run_experience.simulator  # type: ignore[attr-defined]
    picker = simulator.preset_picker
    names = [picker.itemText(i) for i in range(picker.count())]
    assert names == ["Happy Path", "High Risk", "GDPR Sensitive"] and not started.started
    simulator.choose_preset("High Risk")  # usable before the store is read
    assert simulator.input["riskScore"] == 0.9

    started.show()
    qtbot.waitUntil(lambda: started.started)
    names = [picker.itemText(i) for i in range(picker.count())]
    assert names == ["Happy Path", "High Risk", "GDPR Sensitive", "My Edge Case"]
    assert picker.currentText() == "High Risk"  # the choice made meanwhile is kept
