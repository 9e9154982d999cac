"""Menus, toolbar and keyboard shortcuts of the main window, in one table.

Shortcuts follow platform conventions (``QKeySequence.StandardKey``) so that
Ctrl+Z / Ctrl+Shift+Z and friends behave as in other editors. The actions that
act on selected steps are scoped to the canvas, so Delete or Ctrl+A typed in a
text field edit the text, not the experiment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QToolBar

from orchestrator_gui.ui.canvas import graph_adapter

if TYPE_CHECKING:
    from orchestrator_gui.ui.canvas.editor import Canvas
    from orchestrator_gui.ui.main_window import MainWindow

Key = QKeySequence.StandardKey
Shortcut = QKeySequence.StandardKey | str | list[QKeySequence.StandardKey | str] | None


def _action(window: MainWindow, name: str, text: str, slot: Callable[[], object],
            shortcut: Shortcut = None, tip: str = "", canvas_only: bool = False) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.setToolTip(tip or text.replace("&", "").replace("…", ""))
    action.setStatusTip(tip)
    keys = shortcut if isinstance(shortcut, list) else [shortcut] if shortcut else []
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(lambda _checked=False: slot())
    if canvas_only:
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.canvas.view.addAction(action)
    else:
        window.addAction(action)
    window.actions_by_name[name] = action
    return action


def build_actions(window: MainWindow) -> None:
    """Create every action, the menu bar and the toolbar of ``window``."""
    c = window.canvas
    menu = window.menuBar()

    file = menu.addMenu("&File")
    window.file_menu = file
    docs = window.documents
    file.addAction(_action(window, "actionNew", "&New experiment", docs.new_experiment, Key.New))
    file.addAction(_action(window, "actionOpenLibrary", "&Open from library…",
                           docs.open_from_library, Key.Open,
                           "Open an experiment stored in the local library"))
    file.addAction(_action(window, "actionSaveLibrary", "&Save to library",
                           docs.save_to_library, Key.Save,
                           "Save this experiment in the local library"))
    file.addSeparator()
    file.addAction(_action(window, "actionImport", "&Import JSON…", docs.import_file, "Ctrl+I",
                           "Open an experiment from a JSON file"))
    file.addAction(_action(window, "actionExport", "&Export JSON…", docs.export_file,
                           "Ctrl+E", "Write this experiment to a JSON file"))
    window.recent_menu = QMenu("Recent &files", window)
    window.recent_menu.setObjectName("recentMenu")
    window.recent_menu.aboutToShow.connect(
        lambda: docs.fill_recent_menu(window.recent_menu))
    file.addMenu(window.recent_menu)
    file.addSeparator()
    file.addAction(_action(window, "actionSettings", "Se&ttings…",
                           window.settings_controller.open_dialog, "Ctrl+,",
                           "Limits, network policy and language-model endpoints"))
    file.addAction(_action(window, "actionQuit", "&Quit", window.close, Key.Quit))

    edit = menu.addMenu("&Edit")
    undo = c.undo_stack.createUndoAction(window, "&Undo")
    undo.setObjectName("actionUndo")
    undo.setShortcuts([QKeySequence(Key.Undo)])
    redo = c.undo_stack.createRedoAction(window, "&Redo")
    redo.setObjectName("actionRedo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    undo.setIconText("Undo")  # the toolbar keeps a short label; the menu names the edit
    redo.setIconText("Redo")
    for action in (undo, redo):
        window.addAction(action)
        window.actions_by_name[action.objectName()] = action
        edit.addAction(action)
    edit.addSeparator()
    edit.addAction(_action(window, "actionCut", "Cu&t", lambda: _cut(c), Key.Cut,
                           canvas_only=True))
    edit.addAction(_action(window, "actionCopy", "&Copy", c.copy, Key.Copy, canvas_only=True))
    edit.addAction(_action(window, "actionPaste", "&Paste", c.paste, Key.Paste, canvas_only=True))
    edit.addAction(_action(window, "actionDuplicate", "&Duplicate", c.duplicate, "Ctrl+D",
                           canvas_only=True))
    edit.addAction(_action(window, "actionDelete", "De&lete", c.delete_selected,
                           [Key.Delete, "Backspace"], canvas_only=True))
    edit.addSeparator()
    edit.addAction(_action(window, "actionInsertAfter", "&Insert step after…",
                           lambda: window.quick_add.popup(after=next(iter(c.selected()[-1:]),
                                                                     None)),
                           "Insert", "Add a step right after the selected one, wired in",
                           canvas_only=True))
    edit.addAction(_action(window, "actionConnect", "C&onnect selected steps", c.connect_selected,
                           "Ctrl+K", "Wire the left of two selected steps to the right one",
                           canvas_only=True))
    edit.addAction(_action(window, "actionDisconnect", "Dis&connect", c.disconnect_selected,
                           "Ctrl+Shift+K", "Remove the selected steps' wires", canvas_only=True))
    edit.addAction(_action(window, "actionSelectNext", "Select &next step",
                           lambda: c.select_along(1), "Right", "Move the selection along the "
                           "pipeline", canvas_only=True))
    edit.addAction(_action(window, "actionSelectPrevious", "Select &previous step",
                           lambda: c.select_along(-1), "Left", "Move the selection back along "
                           "the pipeline", canvas_only=True))
    edit.addSeparator()
    edit.addAction(_action(window, "actionSelectAll", "Select &all", c.select_all, Key.SelectAll,
                           canvas_only=True))

    view = menu.addMenu("&View")
    view.addAction(_action(window, "actionAddStep", "&Add step…", window.quick_add.popup, None,
                           "Search the step types and add one (Tab on the canvas)"))
    view.addAction(_action(window, "actionFit", "Zoom to &fit", c.fit, ["Ctrl+0", "F"],
                           "Show every step", canvas_only=True))
    view.addAction(_action(window, "actionFitSelection", "Zoom to &selection",
                           lambda: c.fit(selection_only=True), "Shift+F",
                           "Show the selected steps", canvas_only=True))
    view.addAction(_action(window, "actionZoomIn", "Zoom &in", lambda: window.zoom(1), Key.ZoomIn))
    view.addAction(_action(window, "actionZoomOut", "Zoom &out", lambda: window.zoom(-1),
                           Key.ZoomOut))
    view.addAction(_action(window, "actionLayout", "Auto-&layout", c.auto_layout, "Ctrl+L",
                           "Arrange the chain left to right"))
    view.addSeparator()
    window.view_menu = view

    experiment = menu.addMenu("E&xperiment")
    experiment.addAction(_action(window, "actionValidate", "&Check experiment", docs.validate,
                                 "F7", "Check the chain and every step's settings"))
    window.experiment_menu = experiment

    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setAccessibleName("Main toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in ("actionNew", "actionOpenLibrary", "actionSaveLibrary", None, "actionImport",
                 "actionExport", None, "actionUndo", "actionRedo", None, "actionLayout",
                 "actionFit", "actionValidate"):
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(window.actions_by_name[name])
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    window.toolbar = toolbar
    graph_adapter.use_context_menu(c.view, lambda at: canvas_menu(window, at))


def _cut(canvas: Canvas) -> None:
    if canvas.copy():
        canvas.delete_selected()


CANVAS_MENU = ("actionAddStep", "actionInsertAfter", "actionDuplicate", "actionDelete", None,
               "actionConnect", "actionDisconnect", None, "actionFit")


def canvas_menu(window: MainWindow, at: QPoint) -> bool:
    """The canvas's right-click menu: the step under the pointer is selected first, then
    the window's own actions (same names, same shortcuts) and Run."""
    canvas = window.canvas
    under = canvas.node_at(at)
    if under is not None and under not in canvas.selected():
        canvas.select([under])
    menu = QMenu(window)
    menu.setObjectName("canvasMenu")
    for name in CANVAS_MENU:
        if name is None:
            menu.addSeparator()
        elif (action := window.actions_by_name.get(name)) is not None:
            menu.addAction(action)
    run = window.findChild(QPushButton, "runButton")
    if run is not None:
        menu.addSeparator()
        run_action = menu.addAction("Run the experiment")
        run_action.setShortcut("F5")
        run_action.setEnabled(run.isEnabled())
        run_action.triggered.connect(run.click)
    menu.popup(at)
    return True
