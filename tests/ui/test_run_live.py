"""A run on the live canvas: badges, glow, moving data, log lines, progress, no freezing."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

import itertools
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.canvas.run_overlay import Glow
from orchestrator_gui.ui.status_style import color
from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)

FRAME_BUDGET_MS = 100  # generous on purpose: a frozen window is late by seconds, not by 20 ms


def badges(window: Any) -> dict[str, str]:
    return {k: b.text for k, b in experience(window).overlay._badges.items()}


def node(window: Any, step_id: str) -> Any:
    return next(n for n in window.canvas.nodes() if n.step_id() == step_id)


def test_run_button_marks_every_step_and_records_the_run(app_window: Any, qtbot: Any,
                                                          registry: Any, store: Any) -> None:
    exp = load_experiment(resources.path("examples", "risk-assessment.json"), registry=registry)
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ex.simulator.choose_preset("High Risk")
    qtbot.mouseClick(ex.simulator.run_button, Qt.MouseButton.LeftButton)
    wait_finished(qtbot, app_window)

    shown = badges(app_window)
    assert set(shown) == {s.id for s in exp.steps}
    assert all(text.startswith("✓") and "ms" in text for text in shown.values()), shown
    assert ex.progress.text().startswith("✓ Risk Assessment Pipeline: success")
    ex.log_panel.flush()
    log = ex.log_panel.toPlainText()
    assert "started: Risk Assessment Pipeline (High Risk)" in log and "success" in log
    runs = store.list_runs("risk-assessment")
    assert [(r.scenario, r.status) for r in runs] == [("High Risk", "success")]
    qtbot.waitUntil(lambda: ex.history.model.rowCount() == 1)
    # the last step keeps a green glow once the run is over
    assert ex.overlay.glow_color("metrics-1") == color("success")
    assert ex.overlay.glow_color("input-1") is None  # one node glows at a time
    glowing = [item.parentItem() for item in app_window.canvas.view.scene().items()
               if isinstance(item, Glow) and item.isVisible()]
    assert glowing == [node(app_window, "metrics-1").view]


def test_window_keeps_painting_while_steps_take_seconds(app_window: Any, qtbot: Any,
                                                         registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("wait", "sleep", {"seconds": 1.5}),
                                ("think", "crunch", {"seconds": 1.5})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(16)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    ex.run()

    # while the sleep step goes: it glows blue, says running, and data moves on its edge
    qtbot.waitUntil(lambda: ex.overlay.active == "wait")
    assert ex.overlay.glow_color("wait") == color("running")
    assert badges(app_window)["wait"].startswith("● running")
    qtbot.waitUntil(ex.overlay._flow.isVisible, timeout=1000)  # a quarter second in
    qtbot.waitUntil(lambda: ex.progress.text().startswith("[2/3] Wait"))  # within 0.1 s
    assert ex.simulator.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: ex.overlay.active == "think", timeout=5000)
    qtbot.waitUntil(lambda: ex.progress.text().startswith("[3/3] Think"))
    wait_finished(qtbot, app_window)
    timer.stop()

    gaps = [(b - a) * 1000 - 16 for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 100  # about 3 s of 16 ms ticks
    assert max(gaps) < FRAME_BUDGET_MS, f"the timer was {max(gaps):.0f} ms late"
    assert badges(app_window)["think"].startswith("✓ 1.")
    assert not ex.overlay._flow.isVisible()
    assert not ex.simulator.cancel_button.isEnabled()


def test_data_moves_on_a_long_step_and_a_quick_step_glows_steady(app_window: Any, qtbot: Any,
                                                                  registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("quick", "sleep", {"seconds": 0.1}),
                                ("long", "sleep", {"seconds": 1.0})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    seen: dict[str, list[tuple[float, tuple[float, float] | None]]] = {"quick": [], "long": []}

    def look() -> None:  # what the user sees: the glow's strength, where the first dot is
        if ex.overlay.active in seen and ex.overlay.glow.isVisible():
            flow = ex.overlay._flow
            dot = flow.dots[0].scenePos() if flow.isVisible() else None
            seen[ex.overlay.active].append(
                (ex.overlay.glow.opacity(), None if dot is None else (dot.x(), dot.y())))

    sampler = QTimer()
    sampler.setInterval(10)
    sampler.timeout.connect(look)
    sampler.start()
    ex.run()
    wait_finished(qtbot, app_window)
    sampler.stop()

    # a step over in 100 ms: a steady glow, no dots
    quick = seen["quick"]
    assert len(quick) >= 5
    assert {opacity for opacity, _ in quick} == {1.0}
    assert {dot for _, dot in quick} == {None}
    # a step of a second: the glow pulses and the data moves along the edge into it
    assert len({round(opacity, 2) for opacity, _ in seen["long"]}) > 5
    dots = [dot for _, dot in seen["long"] if dot is not None]
    assert len(set(dots)) > 5
    edge = node(app_window, "long").input(0).view.connected_pipes[0]
    assert all(edge.mapToScene(edge.path()).boundingRect().adjusted(-1, -1, 1, 1)
               .contains(x, y) for x, y in dots)


def test_hovering_a_badge_names_the_step_and_the_node_keeps_its_own_tip(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("wait", "sleep", {"seconds": 0.01})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    node(app_window, "wait").view.set_fault("Check this step's settings")  # the editor's mark
    ex.run()
    wait_finished(qtbot, app_window)
    assert ex.overlay._badges["wait"].toolTip() == "Wait: success"
    assert node(app_window, "wait").view.toolTip() == "Check this step's settings"


def test_a_failing_step_shows_its_error_and_the_rest_skipped(app_window: Any, qtbot: Any,
                                                             registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("boom", "fail", {}),
                                ("after", "sleep", {"seconds": 0.01})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ex.run()
    wait_finished(qtbot, app_window)
    shown = badges(app_window)
    assert shown["boom"].startswith("✗")
    assert shown["after"] == "– skipped"
    assert node(app_window, "after").view.opacity() < 1.0
    assert ex.overlay.glow_color("boom") == color("error")
    assert ex.progress.text().startswith("✗ Test pipeline: error")
    app_window.canvas.select([node(app_window, "boom")])
    assert ex.inspector.error.isVisibleTo(ex.inspector)
    assert "StepError: the partner API said no" in ex.inspector.error.text()


def test_a_filter_gate_shows_filtered(app_window: Any, qtbot: Any, registry: Any) -> None:
    exp = experiment(registry, [("start", "input", {}),
                                ("gate", "transform", {"filters": {"riskScore": {"max": 0.5}}}),
                                ("after", "sleep", {"seconds": 0.01})])
    app_window.canvas.load(exp)
    ex = experience(app_window)
    ex.simulator.choose_preset("High Risk")
    ex.run()
    wait_finished(qtbot, app_window)
    shown = badges(app_window)
    assert shown["gate"].startswith("⊘ filtered")
    assert shown["after"] == "– skipped"
    assert ex.progress.text().startswith("⊘ Test pipeline: filtered")


def test_a_broken_chain_does_not_run(app_window: Any, qtbot: Any, registry: Any,
                                     store: Any) -> None:
    exp = experiment(registry, [("start", "input", {}), ("wait", "sleep", {"seconds": 0.01})])
    app_window.canvas.load(exp)
    app_window.canvas.add_step("sleep", pos=(0, 600))  # a loose node
    ex = experience(app_window)
    assert ex.run() is None
    assert app_window.messages and app_window.messages[-1][0] == "error"
    assert store.list_runs("exp-test") == []


def test_the_status_line_follows_fast_steps_without_repainting_for_each(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    steps = [("start", "input", {})] + [(f"s{i}", "sleep", {"seconds": 0.01})
                                        for i in range(1, 40)]
    app_window.canvas.load(experiment(registry, steps))
    ex = experience(app_window)
    shown: list[str] = []
    ex.controller.progress.connect(shown.append)
    started = time.perf_counter()
    ex.run()
    wait_finished(qtbot, app_window)
    took = time.perf_counter() - started
    step_lines = [text for text in shown if text.startswith("[")]
    # 39 steps of ~10 ms: the line moved on with them, about ten times a second, not 39
    assert 2 <= len(step_lines) <= took / 0.1 + 2, (len(step_lines), took)
    assert len(set(step_lines)) == len(step_lines)  # each one news
    assert ex.progress.text().startswith("✓ Test pipeline: success")  # the end at once


def test_a_window_timer_due_while_a_step_is_marked_fires_before_the_canvas_repaints(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    """The window's own timers (an animation frame, a click's follow-up) that fall due while
    the engine runs a step come before the canvas's repaint of that step's marks: ten runs
    going must not make them wait for it too."""
    from PySide6.QtCore import QEvent, QObject

    from orchestrator_gui.core.events import StepStarted
    from orchestrator_gui.core.result import RunResult, StepResult

    app_window.canvas.load(experiment(registry, [("start", "input", {}),
                                                 ("wait", "sleep", {"seconds": 0.01})]))
    ex = experience(app_window)
    run = RunResult("r-live", "exp-test", "Test", None, status="running",
                    steps=[StepResult(n.step_id(), "sleep", n.name())
                           for n in app_window.canvas.nodes()])
    ex.overlay.follow(run)
    qtbot.wait(50)  # (the window has painted what it had to)
    order: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                order.append("canvas painted")
            return False

    paints = Paints()
    app_window.canvas.view.viewport().installEventFilter(paints)
    window_timer = QTimer()
    window_timer.setSingleShot(True)
    window_timer.setTimerType(Qt.TimerType.PreciseTimer)
    window_timer.timeout.connect(lambda: order.append("window timer"))

    def engine_step() -> None:
        window_timer.start(1)
        time.sleep(0.005)  # the window's timer falls due while the step is handled
        ex.overlay.on_step_started(StepStarted(run.run_id, 1, "wait", run.step("wait")))

    QTimer.singleShot(0, engine_step)
    qtbot.waitUntil(lambda: "window timer" in order and "canvas painted" in order)
    assert order.index("window timer") < order.index("canvas painted"), order
    assert ex.overlay.status_of("wait") == "● running"
    assert ex.overlay.glow_color("wait") == color("running")

