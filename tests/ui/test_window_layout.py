"""The window's size and panels: from the screen, kept between starts, reset on request.

The walk (tests/walk) checks the same on real 1280x800 and 1600x1000 X screens
with real input; these tests pin each rule in the test's own window.
"""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.window_layout import FILENAME, PREFERRED, fitted_geometry
from tests.ui.run_support import qloop  # noqa: F401 (fixture)


def test_a_small_screen_gets_a_window_no_larger_than_itself() -> None:
    small = QRect(0, 0, 1280, 800)
    assert fitted_geometry(small) == small
    large = QRect(0, 0, 1920, 1080)
    placed = fitted_geometry(large)
    assert placed.size() == PREFERRED
    assert placed.center() == large.center()
    beside_a_panel = QRect(64, 0, 1216, 770)  # a dock or top bar takes part of the screen
    assert beside_a_panel.contains(fitted_geometry(beside_a_panel))


def test_the_window_fits_its_screen_and_shows_palette_and_simulator_at_once(
        window: MainWindow) -> None:
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry())
    for name in ("paletteDock", "simulatorDock", "propertiesDock", "historyDock"):
        dock = window.docks[name]
        assert dock.isVisible() and not dock.visibleRegion().isEmpty(), name
    # a stray drag cannot drop one dock onto another as a tab
    assert not window.dockOptions() & QMainWindow.DockOption.AllowTabbedDocks


def _click_step(qtbot: QtBot, window: MainWindow, index: int = 0) -> None:
    node = window.canvas.nodes()[index]
    viewer = window.canvas.graph.viewer()
    point = viewer.mapFromScene(node.view.sceneBoundingRect().center())
    qtbot.mousePress(viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseRelease(viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_inspector_and_log_open_when_a_step_is_clicked_and_the_step_stays_put(
        qtbot: QtBot, window: MainWindow) -> None:
    inspector, log = window.docks["inspectorDock"], window.docks["logDock"]
    assert not inspector.isVisible() and not log.isVisible()  # the canvas gets the room first
    before = {n.step_id(): tuple(n.pos()) for n in window.canvas.nodes()}
    _click_step(qtbot, window)
    qtbot.waitUntil(lambda: inspector.isVisible() and log.isVisible(), timeout=3000)
    qtbot.wait(50)
    assert {n.step_id(): tuple(n.pos()) for n in window.canvas.nodes()} == before


def test_ctrl_j_toggles_the_run_details(qtbot: QtBot, window: MainWindow) -> None:
    inspector = window.docks["inspectorDock"]
    window.activateWindow()
    window.canvas.widget.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(inspector.isVisible, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not inspector.isVisible(), timeout=2000)


def test_the_users_layout_comes_back_at_the_next_start_and_reset_restores_the_default(
        qtbot: QtBot, qapp: object, tmp_path: Path) -> None:
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.docks["historyDock"].close()  # the user closes History
    first.window_layout.set_details(True)  # and keeps the run details open
    first.resize(QSize(760, 760))
    first.close()
    assert (tmp_path / "config" / FILENAME).is_file()

    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(second.docks["inspectorDock"].isVisible, timeout=2000)
    assert not second.docks["historyDock"].isVisible()
    assert second.size() == QSize(760, 760)

    reset = second.findChild(type(second.window_layout.reset_action), "actionResetLayout")
    assert reset is not None and reset in second.view_menu.actions()
    reset.trigger()
    qtbot.waitUntil(second.docks["historyDock"].isVisible, timeout=2000)
    assert not second.docks["inspectorDock"].isVisible()  # collapsed again, as at first start
    assert second.screen().availableGeometry().contains(second.frameGeometry())
    second.close()


def test_a_damaged_layout_file_is_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILENAME).write_bytes(b"[General]\ngeometry=@ByteArray(\\0\\xff junk)\nstate=1\n")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.docks["paletteDock"].isVisible()
    qtbot.waitUntil(lambda: win.screen().availableGeometry().contains(win.frameGeometry()),
                    timeout=2000)
    win.close()


def test_the_run_details_open_when_the_run_on_the_canvas_ends(qtbot: QtBot, qapp: object,
                                                              qloop: object) -> None:
    from tests.ui.analysis_support import close_main_window, open_main_window

    win = open_main_window(qtbot, qapp)
    try:
        inspector = win.docks["inspectorDock"]
        assert not inspector.isVisible()
        win.run_experience.simulator.run_button.click()
        qtbot.waitUntil(lambda: inspector.isVisible() and win.docks["logDock"].isVisible(),
                        timeout=15000)
    finally:
        close_main_window(win)
