"""NodeGraphQt behind one adapter (ui/canvas/graph_adapter.py), pinned to the version it knows.

The adapter leans on members NodeGraphQt does not promise; these tests fail
first when the library moves (the version, then the members themselves), and
keep the rest of the app off the library's internals and its items.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import orchestrator_gui
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.analysis.divergence_mark import DivergenceMark
from orchestrator_gui.ui.canvas import graph_adapter
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.run_overlay import RunOverlay
from orchestrator_gui.ui.shown_run import StoredRun
from tests.ui.conftest import RISK

PACKAGE = Path(orchestrator_gui.__file__).parent
ADAPTER = PACKAGE / "ui" / "canvas" / "graph_adapter.py"
# NodeGraphQt's private members the adapter uses (each marked PRIVATE there)
PRIVATE = {"_combined_rect", "_scene_range", "_update_scene", "_input_items", "_output_items",
           "_tooltip_disable", "_draw_node_horizontal", "_draw_node_vertical",
           "_paint_horizontal", "_paint_vertical", "_text_item", "_icon_item"}


def test_the_installed_nodegraphqt_is_the_version_the_adapter_was_written_for() -> None:
    installed = importlib.metadata.version("NodeGraphQt")
    assert installed == graph_adapter.WRITTEN_FOR, (
        f"NodeGraphQt {installed} is installed; ui/canvas/graph_adapter.py was written for "
        f"{graph_adapter.WRITTEN_FOR}. Re-check every PRIVATE use in the adapter against the "
        f"new version (the viewer's _combined_rect/_scene_range/_update_scene, NodeItem's "
        f"layout and paint hooks, PropertyChangedCmd), then update WRITTEN_FOR.")
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["optional-dependencies"]["gui"]
            if d.startswith("NodeGraphQt")]
    assert pins == [f"NodeGraphQt=={graph_adapter.WRITTEN_FOR}"]


@pytest.fixture
def canvas(qtbot: QtBot, qapp: object) -> Iterator[Canvas]:
    made = Canvas()
    qtbot.addWidget(made.widget)
    made.widget.resize(900, 500)
    made.widget.show()
    made.load(load_experiment(RISK))
    yield made
    made.widget.close()


def test_the_private_members_the_adapter_uses_are_there(canvas: Canvas) -> None:
    from NodeGraphQt.base.commands import PropertyChangedCmd  # noqa: F401 (the module is there)

    viewer = canvas.view
    for name in ("_combined_rect", "_update_scene", "_scene_range", "get_zoom", "reset_zoom"):
        assert hasattr(viewer, name), name
    item = canvas.nodes()[0].item
    for name in ("_input_items", "_output_items", "_tooltip_disable", "_width", "_height",
                 "text_item", "icon_item", "align_ports"):
        assert hasattr(item, name), name
    # the paint hooks NodeItem.paint calls are ours
    assert type(item)._paint_horizontal is type(item).paint_card


def test_fit_frames_every_step_and_never_magnifies(canvas: Canvas) -> None:
    canvas.view.set_zoom(0.5)  # far in: most steps out of sight
    canvas.fit()
    shown = canvas.view.mapToScene(canvas.view.viewport().rect()).boundingRect()
    for node in canvas.nodes():
        assert shown.contains(node.item.sceneBoundingRect()), node.step_id()
    assert canvas.view.get_zoom() <= 0.0
    before = canvas.view.get_zoom()
    canvas.zoom(-1)
    assert canvas.view.get_zoom() < before
    canvas.zoom(1)
    canvas.zoom(1)
    assert canvas.view.get_zoom() > before


def test_run_marks_and_flags_set_no_attribute_on_nodegraphqt_items(canvas: Canvas) -> None:
    items = [node.item for node in canvas.nodes()]
    attributes = [set(vars(item)) for item in items]
    steps = [node.step_id() for node in canvas.nodes()]
    record = {"status": "error", "steps": [
        {"id": steps[0], "status": "success", "durationMs": 3.0},
        {"id": steps[1], "status": "error", "durationMs": 1500.0},
        *({"id": s, "status": "skipped"} for s in steps[2:])]}
    overlay = RunOverlay(canvas)
    mark = DivergenceMark(canvas)
    for _ in range(2):  # shown again: the same kept items, no new ones
        overlay.show(StoredRun(record))
        assert mark.show(steps[1], ["status"])
    assert overlay.status_of(steps[0]) == "✓ 3 ms"
    assert overlay.status_of(steps[1]) == "✗ 1.50 s"
    assert overlay.status_of(steps[2]) == "– skipped"
    assert mark.visible_text is not None
    assert [set(vars(item)) for item in items] == attributes
    badge = items[0].kept("run_badge", lambda: pytest.fail("made again"))
    assert badge.isVisible() and badge.parentItem() is items[0]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != ADAPTER:
            yield path, _tree(path)


def test_no_private_member_of_nodegraphqt_is_used_outside_the_adapter() -> None:
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
                pytest.fail(f"{path.relative_to(PACKAGE)}:{node.lineno} uses .{node.attr}")
            if isinstance(node, ast.Constant) and node.value in PRIVATE:
                pytest.fail(f"{path.relative_to(PACKAGE)}:{node.lineno} names {node.value!r}")
    used = {n.attr for n in ast.walk(_tree(ADAPTER)) if isinstance(n, ast.Attribute)}
    assert used >= {"_combined_rect", "_scene_range", "_update_scene"}


def test_the_viewer_is_reached_through_the_canvas_only() -> None:
    allowed = {"ui/canvas/editor.py"}
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "viewer"):
                assert path.relative_to(PACKAGE).as_posix() in allowed, (path, node.lineno)


def _item_expr(node: ast.expr) -> bool:
    """``x.view`` or ``x.item``: a NodeGraphQt item (a node's or a port's)."""
    return isinstance(node, ast.Attribute) and node.attr in ("view", "item")


def test_nothing_sets_attributes_on_nodegraphqt_items_outside_the_adapter() -> None:
    declared = {n.attr for n in ast.walk(_tree(PACKAGE / "ui" / "canvas" / "node_item.py"))
                if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                and isinstance(n.value, ast.Name) and n.value.id == "self"}
    for path, tree in _modules():
        where = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "setattr" and node.args and _item_expr(node.args[0])):
                pytest.fail(f"{where}:{node.lineno}: setattr on a NodeGraphQt item")
            if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                    and _item_expr(node.value) and node.attr not in declared):
                pytest.fail(f"{where}:{node.lineno}: sets .{node.attr} on a NodeGraphQt item")
    assert re.search(r"class StepNodeItem\(CardItem\)",
                     (PACKAGE / "ui" / "canvas" / "node_item.py").read_text(encoding="utf-8"))


def test_a_modifier_released_elsewhere_is_not_left_held_on_the_canvas(
        qtbot: QtBot, window: object) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from orchestrator_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    view = window.canvas.view
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=1000)
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Q,
                                           Qt.KeyboardModifier.ControlModifier))  # Ctrl held
    assert view.CTRL_state and view._cursor_text.isVisible()  # the viewer's own idea of Ctrl
    window.palette_panel.search.setFocus()  # focus moves; the release goes there
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=1000)
    qtbot.keyRelease(window.palette_panel.search, Qt.Key.Key_Control)
    assert not view.CTRL_state
    assert not view._cursor_text.isVisible()  # no "CTRL: Deselect Nodes" left on the canvas
