"""NodeGraphQt behind one door: the only module that imports it (an import-linter contract).

NodeGraphQt is pinned (``WRITTEN_FOR``) and this module leans on what it does
not promise, each use marked ``PRIVATE``: the viewer's ``_combined_rect``,
``_scene_range`` and ``_update_scene`` (framing the steps with a margin), the
node item's layout and paint hooks (``_draw_node_horizontal``,
``_paint_horizontal``...) and its stock label and port text items,
``PropertyChangedCmd`` from ``NodeGraphQt.base.commands``, and the import of
NodeGraphQt itself with two stand-ins lent (below). On another version,
tests/ui/test_graph_adapter.py fails and says to re-check them.

The rest of the canvas uses the library's public API on the classes made
here (``NodeGraph``, ``GraphNode``, ``CardItem``); nothing outside this module
sets attributes on NodeGraphQt's items: view state a node carries (run
badges, glows, flags) is kept by :meth:`CardItem.kept`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF
from PySide6.QtGui import QAction, QContextMenuEvent, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem
from shiboken6 import isValid

from orchestrator_gui.core.paths import same_in_order

WRITTEN_FOR = "0.6.44"  # the NodeGraphQt version every PRIVATE use below was checked against
_Item = TypeVar("_Item", bound=QGraphicsItem)


class _LooseVersion:
    """Enough of distutils' LooseVersion for NodeGraphQt's ``qVersion() >= '5.10'``."""

    def __init__(self, text: str) -> None:
        self.parts = tuple(int(p) if p.isdigit() else 0 for p in str(text).split("."))

    def __ge__(self, other: Any) -> bool:
        return bool(self.parts >= other.parts)

    def __lt__(self, other: Any) -> bool:
        return bool(self.parts < other.parts)


def _import_nodegraphqt() -> None:
    """Import NodeGraphQt with two stand-ins lent, each because the real module costs
    ~0.2 s of start-up: ``distutils.version`` (it only asks whether Qt is at least 5.10;
    distutils comes through setuptools' shim and warns) and ``Qt`` (Qt.py, which copies
    every member of a dozen PySide6 modules; see ``ui/qt_shim.py``). They are removed
    right after; NodeGraphQt keeps the modules it imported from them."""
    if "NodeGraphQt" in sys.modules:
        return
    from orchestrator_gui.ui import qt_shim

    version = types.ModuleType("distutils.version")
    version.LooseVersion = _LooseVersion  # type: ignore[attr-defined]
    lent = {"distutils.version": version, "Qt": qt_shim.build()}
    lent = {name: module for name, module in lent.items() if name not in sys.modules}
    sys.modules.update(lent)
    try:
        import NodeGraphQt  # noqa: F401
    finally:
        for name, module in lent.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_nodegraphqt()

from NodeGraphQt import BaseNode, NodeGraph  # noqa: E402
from NodeGraphQt.base.commands import PropertyChangedCmd  # noqa: E402  (PRIVATE module)
from NodeGraphQt.qgraphics.node_base import NodeItem  # noqa: E402

__all__ = ["WRITTEN_FOR", "CardItem", "GraphNode", "NodeGraph", "frame", "zoom_by"]


class CardItem(NodeItem):  # type: ignore[misc]
    """A node item of a fixed size that draws itself (``paint_card``), with none of the
    stock label, icon or port names, and that keeps our view items (``kept``)."""

    CARD_SIZE: tuple[float, float] = (160.0, 60.0)  # width, height: subclasses set theirs

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # PRIVATE: the hooks NodeItem.paint calls, bound straight to paint_card so that a
        # node's paint (Qt calls it on every repaint near it) costs no extra call
        cls._paint_horizontal = cls._paint_vertical = cls.paint_card

    def __init__(self, name: str = "node", parent: Any = None) -> None:
        super().__init__(name, parent)
        self._kept: dict[str, QGraphicsItem] = {}
        self.text_item.setVisible(False)
        self.icon_item.setVisible(False)

    def kept(self, key: str, make: Callable[[], _Item]) -> _Item:
        """The view item ``key`` this node keeps (made by ``make`` the first time, or again
        if Qt deleted it): hidden and shown again run after run, as removing a child of a
        node item crashes NodeGraphQt."""
        item: Any = self._kept.get(key)  # (no typing.cast: it is a call, on every step event)
        if item is None or not isValid(item):
            item = self._kept[key] = make()
        return item

    def paint_card(self, painter: QPainter, option: Any, widget: Any) -> None:
        """Draw the card in item coordinates (0, 0, ``CARD_SIZE``)."""

    def auto_switch_mode(self) -> None:
        """Never swap to NodeGraphQt's low-detail proxy: it would show the hidden label."""

    # --- PRIVATE hooks of NodeItem -------------------------------------------------------

    def _draw_node_horizontal(self) -> None:
        for items in (self._input_items, self._output_items):  # PRIVATE: port name items
            for text in items.values():
                text.setVisible(False)
        self.text_item.setVisible(False)
        self.icon_item.setVisible(False)
        self._width, self._height = self.CARD_SIZE  # PRIVATE: what boundingRect reads
        self._tooltip_disable(self.disabled)  # PRIVATE
        ports = [p for p in self.inputs + self.outputs if p.isVisible()]
        port_h = ports[0].boundingRect().height() if ports else 0.0
        self.align_ports(v_offset=(self.CARD_SIZE[1] - port_h) / 2)
        self.update()

    def _draw_node_vertical(self) -> None:
        self._draw_node_horizontal()


class _PropertyCmd(PropertyChangedCmd):  # type: ignore[misc]
    """NodeGraphQt's property command, which skips an equal value: here keys in a new order
    are a change too (moved rows), and undo brings the old order back."""

    def undo(self) -> None:
        if not same_in_order(self.old_val, self.new_val):
            self.set_node_property(self.name, self.old_val)

    def redo(self) -> None:
        if not same_in_order(self.old_val, self.new_val):
            self.set_node_property(self.name, self.new_val)


class GraphNode(BaseNode):  # type: ignore[misc]
    """A node whose name need not be unique (ids are, in our documents) and that answers
    the canvas's questions about its edges."""

    def set_property(self, name: str, value: Any, push_undo: bool = True) -> None:
        """NodeGraphQt's ``set_property`` without its rename-to-unique rule for ``name``, and
        with an object's keys in a new order counted as a change (moved rows)."""
        if same_in_order(self.get_property(name), value):
            return
        if self.graph is None:
            if hasattr(self.view, name):
                setattr(self.view, name, value)
            self.model.set_property(name, value)
        else:
            if name == "name":
                self.NODE_NAME = value
            command = _PropertyCmd(self, name, value)
            if push_undo:
                self.graph.undo_stack().push(command)
            else:
                command.redo()
        self.property_set(name)

    def property_set(self, name: str) -> None:
        """Called after ``set_property`` changed ``name``: redraw for custom properties."""
        if self.model.is_custom_property(name):
            self.view.draw_node()

    def rename_quietly(self, name: str) -> None:
        """Show ``name`` (repeats allowed) outside the undo history: opening a document."""
        self.model.name = name
        self.view.name = name
        self.NODE_NAME = name

    def input_pipe(self) -> QGraphicsPathItem | None:
        """The edge drawn into this node's first input, if any."""
        if not self.inputs():
            return None
        pipes = self.input(0).view.connected_pipes
        return cast(QGraphicsPathItem, pipes[0]) if pipes else None


def frame(viewer: Any, items: Sequence[QGraphicsItem], margin: float) -> None:
    """Frame ``items`` with ``margin`` scene units around them, never magnifying past
    100 % (NodeGraphQt's ``zoom_to_nodes`` has no margin and allows 110 %)."""
    if not items:
        viewer.reset_zoom()
        return
    rect: QRectF = viewer._combined_rect(list(items))  # PRIVATE
    rect = rect.adjusted(-margin, -margin, margin, margin)
    viewer._scene_range = rect  # PRIVATE: what _update_scene fits in the view
    viewer._update_scene()  # PRIVATE
    if viewer.get_zoom() > 0.0:
        viewer.reset_zoom(rect.center())


def zoom_by(viewer: Any, step: float) -> None:
    """Zoom the viewer in (``step`` > 0) or out, within NodeGraphQt's limits."""
    viewer.set_zoom(viewer.get_zoom() + step)


def tame_viewer(viewer: Any) -> None:
    """Two habits of NodeGraphQt's viewer that a person hits, undone.

    It makes Undo/Redo actions of its own (for its context menu) with the window's
    Ctrl+Z and Ctrl+Shift+Z: two actions on one key, so Qt runs neither ("Ambiguous
    shortcut overload"). Their shortcuts are taken away; the window's actions stay.

    It tracks Ctrl/Shift/Alt from its own key events, so a key released while focus
    was elsewhere (Ctrl+Z that opened a dialog) left it believing Ctrl was held: the
    "CTRL: Deselect Nodes" overlay stayed and the next click deselected. Losing focus
    now clears that state and the overlay.
    """
    for own in viewer.findChildren(QAction):
        if own.shortcuts() and own.text() in ("&Undo", "&Redo"):
            own.setShortcuts([])
    viewer.installEventFilter(_ModifierReset(viewer))


class _ModifierReset(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            viewer: Any = watched
            viewer.ALT_state = viewer.CTRL_state = viewer.SHIFT_state = False  # PRIVATE state
            viewer._cursor_text.setVisible(False)  # PRIVATE: the modifier overlay
        return False


def use_context_menu(viewer: Any, show: Callable[[QPoint], bool]) -> None:
    """Right-click on the canvas calls ``show(global position)`` instead of NodeGraphQt's
    own menus (which list class names and duplicate the window's actions)."""
    viewer.viewport().installEventFilter(_ContextMenu(viewer, show))  # the viewport gets it


class _ContextMenu(QObject):
    def __init__(self, parent: QObject, show: Callable[[QPoint], bool]) -> None:
        super().__init__(parent)
        self.show = show

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ContextMenu:
            assert isinstance(event, QContextMenuEvent)
            return self.show(event.globalPos())
        return False
