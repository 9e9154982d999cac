"""The inspector: click a step, see its input, output (a tree, copyable), duration, error, logs."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.panels.inspector import MAX_ITEMS, Inspector
from orchestrator_gui.ui.shown_run import StepView
from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)


def click_node(qtbot: Any, window: Any, step_id: str) -> None:
    canvas = window.canvas
    node = next(n for n in canvas.nodes() if n.step_id() == step_id)
    view = canvas.view
    pos = view.mapFromScene(node.view.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_clicking_a_step_shows_what_it_received_and_produced(app_window: Any, qtbot: Any,
                                                             registry: Any) -> None:
    exp = load_experiment(resources.path("examples", "risk-assessment.json"), registry=registry)
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ex.simulator.choose_preset("High Risk")
    ex.run()
    wait_finished(qtbot, app_window)
    click_node(qtbot, app_window, "transform-1")
    inspector = ex.inspector
    assert inspector.objectName() == "inspector" and inspector.accessibleName()
    assert "Normalize Data" in inspector.title.text()
    assert "success" in inspector.summary.text() and "ms" in inspector.summary.text()
    assert not inspector.error.isVisibleTo(inspector)
    tree = inspector.input_view.tree
    assert {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1)
            for i in range(tree.topLevelItemCount())} == {"riskScore": "0.9",
                                                          "email": '"user@example.com"'}
    out = inspector.output_view
    assert "risk_level" in [out.tree.topLevelItem(i).text(0)
                            for i in range(out.tree.topLevelItemCount())]
    out.copy_button.click()
    assert json.loads(QGuiApplication.clipboard().text()) == {"risk_level": 0.9,
                                                              "email": "user@example.com"}

    click_node(qtbot, app_window, "ai-1")
    assert "AI Decision" in inspector.title.text()
    decision = inspector.output_view.tree.findItems("decision", Qt.MatchFlag.MatchExactly)
    assert decision and decision[0].childCount() > 0  # nested values are collapsible rows
    assert inspector.logs.count() >= 1  # the decider writes what it decided


def test_a_failed_step_shows_its_error_and_logs(app_window: Any, qtbot: Any,
                                                registry: Any) -> None:
    app_window.canvas.load(experiment(registry, [("start", "input", {}), ("boom", "fail", {})]))
    ex = experience(app_window)
    ex.run()
    wait_finished(qtbot, app_window)
    click_node(qtbot, app_window, "boom")
    assert "error" in ex.inspector.summary.text()
    assert ex.inspector.error.text() == "StepError: the partner API said no"
    lines = [ex.inspector.logs.item(i).text() for i in range(ex.inspector.logs.count())]
    assert any("WARNING" in line and "about to fail" in line for line in lines)
    assert ex.inspector.tabs.currentWidget() is ex.inspector.logs


def test_huge_payloads_are_cut_in_the_tree_but_copied_whole(qtbot: Any) -> None:
    inspector = Inspector()
    qtbot.addWidget(inspector)
    big = {f"k{i}": i for i in range(MAX_ITEMS + 500)}
    inspector.show_step(StepView.of_record({
        "id": "x", "name": "X", "type": "t", "status": "success", "durationMs": 3.0,
        "input": big, "output": None, "error": None, "logs": []}))
    tree = inspector.input_view.tree
    assert tree.topLevelItemCount() == MAX_ITEMS + 1
    assert "500 more not shown" in tree.topLevelItem(MAX_ITEMS).text(1)
    assert json.loads(inspector.input_view.copy()) == big
    assert not inspector.output_view.copy_button.isEnabled()


def test_without_a_run_the_inspector_says_what_to_do(app_window: Any, registry: Any,
                                                     qtbot: Any) -> None:
    app_window.canvas.load(experiment(registry, [("start", "input", {})]))
    click_node(qtbot, app_window, "start")
    assert "has not run" in experience(app_window).inspector.summary.text()
