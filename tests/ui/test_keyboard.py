"""A pipeline built and rearranged without the mouse, the canvas's menu, and no shortcut clash.

Keys are sent to the window as a person's arrive (the canvas has focus), so a
shortcut that two actions share, or one the canvas swallows, fails here.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui.main_window import MainWindow


def _focus_canvas(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.canvas.view.setFocus()
    qtbot.waitUntil(window.canvas.view.hasFocus, timeout=1000)


def _ids(window: MainWindow) -> list[str]:
    return [n.step_id() for n in window.canvas.in_chain_order()]


def test_arrows_walk_the_pipeline_and_insert_adds_a_wired_step_after_the_selected_one(
        qtbot: QtBot, window: MainWindow) -> None:
    _focus_canvas(qtbot, window)
    window.canvas.select([])
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Right)
    assert [n.step_id() for n in window.canvas.selected()] == ["input-1"]
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Right)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Right)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Left)
    assert [n.step_id() for n in window.canvas.selected()] == ["transform-1"]

    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Insert)
    qtbot.waitUntil(window.quick_add.isVisible, timeout=1000)
    qtbot.keyClicks(window.quick_add.search, "webhook")
    qtbot.keyClick(window.quick_add.search, Qt.Key.Key_Return)
    assert window.canvas.check().ok
    assert _ids(window)[:3] == ["input-1", "transform-1", "webhook-1"]
    assert window.canvas.undo_stack.undoText().startswith("Insert Webhook after")

    _focus_canvas(qtbot, window)
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_K,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.canvas.check().ok  # the webhook's wires are gone
    qtbot.keyClick(window.canvas.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.check().ok


def test_the_canvas_menu_offers_the_editing_commands_and_run(
        qtbot: QtBot, window: MainWindow) -> None:
    node = window.canvas.nodes()[0]
    viewer = window.canvas.view
    local = viewer.mapFromScene(node.view.sceneBoundingRect().center())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, local,
                              viewer.viewport().mapToGlobal(local))
    QApplication.sendEvent(viewer.viewport(), event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Add step…", "Insert step after…", "Duplicate", "Delete", "Disconnect",
                   "Run the experiment"):
        assert wanted in texts, texts
    assert window.canvas.selected() == [node]  # the step under the pointer is the subject
    menu.close()


def test_no_two_commands_share_a_key_in_the_window(window: MainWindow) -> None:
    seen: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            if action.isEnabled() or action.text():
                seen.setdefault(key.toString(), []).append(action.text())
    for shortcut in window.findChildren(QShortcut):
        seen.setdefault(shortcut.key().toString(), []).append(f"shortcut on "
                                                              f"{shortcut.parent().objectName()}")
    clashes = {k: v for k, v in seen.items() if k and len(v) > 1}
    assert not clashes, clashes
    # and the documented ones are there
    for key in ("Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+C", "Ctrl+V", "Ctrl+D", "Del", "F", "F5", "F7",
                "Ctrl+J", "Ins", "Ctrl+K", "Ctrl+Shift+K", "Right", "Left"):
        assert QKeySequence(key).toString() in seen, key


class _Caught(QObject):
    """Takes a shortcut that reached its action (so the command itself does not run)."""

    def __init__(self) -> None:
        super().__init__()
        self.reached: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(watched, QAction):
            self.reached.append(watched.objectName())
            return True
        return False


def test_every_shortcut_reaches_its_command_from_the_canvas(
        qtbot: QtBot, window: MainWindow) -> None:
    first = window.canvas.nodes()[0]
    window.canvas.set_step_property(first, "name", "One")
    window.canvas.set_step_property(first, "name", "Two")
    window.canvas.undo_stack.undo()  # Undo and Redo both have something to do
    window.canvas.select([first])  # and the canvas commands a step to act on
    caught = _Caught()
    actions = {name: a for name, a in window.actions_by_name.items() if a.shortcuts()}
    for action in actions.values():
        action.installEventFilter(caught)
    missed = []
    for name, action in sorted(actions.items()):
        if not action.isEnabled():
            continue  # e.g. Undo with nothing to undo
        for sequence in action.shortcuts():
            if sequence.isEmpty():
                continue
            combo = sequence[0]
            _focus_canvas(qtbot, window)
            caught.reached.clear()
            qtbot.keyClick(window.canvas.view, combo.key(), combo.keyboardModifiers())
            if caught.reached != [name]:
                missed.append((name, sequence.toString(), list(caught.reached)))
    assert not missed, missed
    assert len(actions) >= 20
