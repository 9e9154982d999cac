"""The canvas as the rest of the app sees it: a NodeGraphQt graph plus our rules.

``Canvas`` owns the NodeGraphQt graph and its undo stack and adds what the
product needs on top: typed step nodes from the registry, drops from the
palette, fresh and unique step ids, chain checks that mark the nodes at
fault (outside the undo history), and the document in and out (``convert``).
Panels talk to this class, never to NodeGraphQt directly.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QGraphicsView, QWidget

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.registry import StepRegistry, default_registry
from orchestrator_gui.core.topology import Plan
from orchestrator_gui.ui.canvas import convert, graph_adapter
from orchestrator_gui.ui.canvas.layout import chain_positions
from orchestrator_gui.ui.canvas.nodes import StepNode, build_node_classes

STEP_MIME = "application/x-orchestrator-step"
STEP_TEXT_PREFIX = "orchestrator-step:"


def step_mime(type_name: str) -> QMimeData:
    """What the palette drags: our own format plus text the NodeGraphQt viewer accepts."""
    data = QMimeData()
    data.setData(STEP_MIME, type_name.encode("utf-8"))
    data.setText(STEP_TEXT_PREFIX + type_name)
    return data


class Canvas(QObject):
    """The editing surface: typed step nodes, chain rules, document in and out."""

    selection_changed = Signal(object)  # StepNode | None (Signal(object): Stack traps)
    step_changed = Signal(object, str)  # node, property name
    changed = Signal()  # anything in the graph (after undo/redo too)

    def __init__(self, registry: StepRegistry | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.registry = registry or default_registry()
        self.graph = graph_adapter.NodeGraph(self)
        self.graph.set_background_color(24, 27, 33)
        self.graph.set_grid_color(38, 42, 51)
        self.graph.set_acyclic(True)
        self.graph.set_pipe_slicing(False)
        self.node_classes = build_node_classes(self.registry)
        self.graph.register_nodes(list(self.node_classes.values()))
        self.base: dict[str, Any] = {}
        self.widget: QWidget = self.graph.widget
        self.view: QGraphicsView = self.graph.viewer()
        self.view.setObjectName("canvas")
        graph_adapter.tame_viewer(self.view)  # no second Ctrl+Z, no stale modifier state
        # Repaint only what changed (docs/architecture.md, UI rule 7): NodeGraphQt's
        # default repaints the bounding rect of all changes.
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        # Nothing beneath (UI rule 7): the scene fills its whole background.
        self.view.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.view.setAccessibleName("Experiment canvas")
        self.view.setAccessibleDescription(
            "The experiment's steps as a chain of nodes. Drag steps here from the palette; "
            "press Tab to add a step by name."
        )
        self._marked: list[StepNode] = []
        self.graph.data_dropped.connect(self._on_drop)
        self.graph.node_created.connect(self._on_node_created)
        self.graph.node_selection_changed.connect(self._emit_selection)
        self.graph.nodes_deleted.connect(self._emit_selection)
        self.graph.property_changed.connect(self._on_property_changed)
        self.undo_stack.indexChanged.connect(self._on_edit)

    # --- state ----------------------------------------------------------------------

    @property
    def undo_stack(self) -> QUndoStack:
        return self.graph.undo_stack()

    def nodes(self) -> list[StepNode]:
        return convert.step_nodes(self.graph)

    def selected(self) -> list[StepNode]:
        return [n for n in self.graph.selected_nodes() if isinstance(n, StepNode)]

    def step_ids(self, exclude: StepNode | None = None) -> set[str]:
        return {n.step_id() for n in self.nodes() if n is not exclude}

    def fresh_step_id(self, type_name: str, taken: set[str] | None = None) -> str:
        taken = self.step_ids() if taken is None else taken
        prefix = self.registry.get(type_name).id_prefix
        number = 1
        while f"{prefix}-{number}" in taken:
            number += 1
        return f"{prefix}-{number}"

    # --- document in and out ------------------------------------------------------------

    def load(self, experiment: Experiment) -> None:
        """Show ``experiment``; the undo history starts empty."""
        document = experiment.to_dict()
        document["steps"] = []  # a placeholder keeps the key where the author put it
        self.base = document
        self._marked = []
        convert.build_graph(self.graph, experiment, self.node_classes)
        self.fit()
        self.undo_stack.setClean()
        self._emit_selection()
        self.changed.emit()

    def check(self) -> Plan:
        return convert.check_graph(self.graph)[0]

    def to_document(self) -> dict[str, Any]:
        """The document on the canvas; marks the nodes at fault and raises ChainError if any."""
        report, by_id = convert.check_graph(self.graph)
        self.mark_faults(report, by_id)
        return convert.graph_to_document(self.graph, self.base)

    def mark_faults(self, report: Plan, by_id: dict[str, StepNode]) -> None:
        self.clear_marks()
        for problem in report.problems:
            for node_id in problem.node_ids:
                node = by_id[node_id]
                previous = node.item.fault
                node.item.set_fault(f"{previous}\n{problem.message}" if previous else problem.message)
                self._marked.append(node)

    def mark_steps(self, reasons: dict[str, str]) -> None:
        """Outline the steps named (by step id) in red, the reason on hover, beside any
        chain marks already made."""
        for node in self.nodes():
            reason = reasons.get(node.step_id())
            if reason:
                previous = node.item.fault
                node.item.set_fault(f"{previous}\n{reason}" if previous else reason)
                self._marked.append(node)

    def clear_marks(self) -> None:
        for node in self._marked:
            if node.graph is not None:
                node.item.set_fault(None)
        self._marked = []

    # --- editing --------------------------------------------------------------------

    def add_step(self, type_name: str, pos: tuple[float, float] | None = None) -> StepNode:
        """Create a step of ``type_name`` (undoable), connected after the last step
        when dropped without a position, so a click in the palette extends the chain."""
        node_class = self.node_classes[type_name]
        chain_end = None
        if pos is None:
            report = self.check()
            nodes = {n.id: n for n in self.nodes()}
            chain_end = nodes[report.order[-1]] if report.ok else None
            if chain_end is not None:
                pos = (chain_end.x_pos() + 290.0, chain_end.y_pos())
            else:
                pos = chain_positions(len(nodes) + 1)[-1]
        self.undo_stack.beginMacro(f"Add {node_class.NODE_NAME}")
        node: StepNode = self.graph.create_node(node_class.type_, pos=pos)
        if chain_end is not None:
            chain_end.output(0).connect_to(node.input(0))
        self.undo_stack.endMacro()
        self.select([node])
        return node

    def insert_after(self, node: StepNode, type_name: str) -> StepNode:
        """A new step of ``type_name`` wired in right after ``node`` (one undo step)."""
        title = self.node_classes[type_name].NODE_NAME
        self.undo_stack.beginMacro(f"Insert {title} after {node.name()}")
        new: StepNode = self.graph.create_node(self.node_classes[type_name].type_,
                                               pos=(node.x_pos() + 290.0, node.y_pos() + 140.0))
        self._splice([new], node)
        self.undo_stack.endMacro()
        self.select([new])
        return new

    def in_chain_order(self) -> list[StepNode]:
        """The steps in run order when they form one chain, else left to right."""
        report, by_id = convert.check_graph(self.graph)
        if report.ok:
            return [by_id[i] for i in report.order]
        return sorted(self.nodes(), key=lambda n: (n.x_pos(), n.y_pos()))

    def select_along(self, step: int) -> StepNode | None:
        """Select the next (``step`` 1) or previous (-1) step along the pipeline."""
        order = self.in_chain_order()
        if not order:
            return None
        chosen = self.selected()
        if not chosen:
            target = order[0] if step > 0 else order[-1]
        else:
            index = order.index(chosen[-1]) if chosen[-1] in order else 0
            target = order[max(0, min(len(order) - 1, index + step))]
        self.select([target])
        self.view.ensureVisible(target.view, 60, 60)
        return target

    def node_at(self, global_pos: QPoint) -> StepNode | None:
        """The step under a point of the screen, if any."""
        scene = self.view.mapToScene(self.view.viewport().mapFromGlobal(global_pos))
        hits = [n for n in self.nodes() if n.view.sceneBoundingRect().contains(scene)]
        return hits[-1] if hits else None

    def connect_selected(self) -> bool:
        """Wire the left one of two selected steps to the right one (replacing their wires)."""
        chosen = sorted(self.selected(), key=lambda n: n.x_pos())
        if len(chosen) != 2:
            return False
        first, second = chosen
        self.undo_stack.beginMacro(f"Connect {first.name()} to {second.name()}")
        for port in list(first.output(0).connected_ports()):
            first.output(0).disconnect_from(port)
        for port in list(second.input(0).connected_ports()):
            second.input(0).disconnect_from(port)
        first.output(0).connect_to(second.input(0))
        self.undo_stack.endMacro()
        return True

    def disconnect_selected(self) -> bool:
        """Remove every wire of the selected steps (one undo step)."""
        chosen = self.selected()
        wired = [(port, other) for node in chosen
                 for port in (*node.inputs().values(), *node.outputs().values())
                 for other in port.connected_ports()]
        if not wired:
            return False
        self.undo_stack.beginMacro("Disconnect " + ", ".join(n.name() for n in chosen))
        for port, other in wired:
            if other in port.connected_ports():
                port.disconnect_from(other)
        self.undo_stack.endMacro()
        return True

    def set_step_property(self, node: StepNode, name: str, value: Any) -> None:
        """One undoable edit of a step property (name, step_id, step_config, ...), named in
        the Edit menu as a person would say it ("Undo change settings of GDPR Check")."""
        what = PROPERTY_WORDS.get(name, name.replace("_", " "))
        label = (f"rename {node.name()} to {value}" if name == "name"
                 else f"change {what} of {node.name()}")
        self.undo_stack.beginMacro(label)
        node.set_property(name, value, push_undo=True)
        self.undo_stack.endMacro()

    def delete_selected(self) -> None:
        nodes = self.selected()
        if nodes:
            self.graph.delete_nodes(nodes)

    def select(self, nodes: list[StepNode]) -> None:
        """Select exactly ``nodes`` (not an edit: nothing enters the undo history)."""
        wanted = set(map(id, nodes))
        for node in self.nodes():
            node.set_selected(id(node) in wanted)
        self._emit_selection()

    def select_all(self) -> None:
        self.select(self.nodes())

    def copy(self) -> bool:
        return bool(self.graph.copy_nodes(self.selected() or None))

    def paste(self) -> list[StepNode]:
        """Paste the copied steps after the selected step (else at the chain's end)."""
        anchor = self._anchor()
        self.undo_stack.beginMacro("Paste steps")
        nodes = [n for n in (self.graph.paste_nodes() or []) if isinstance(n, StepNode)]
        self._give_fresh_ids(nodes)
        self._splice(nodes, anchor)
        self.undo_stack.endMacro()
        self.select(nodes)
        return nodes

    def duplicate(self) -> list[StepNode]:
        """Copies of the selected steps, right after the last of them in the chain."""
        selected = self.selected()
        if not selected:
            return []
        anchor = self._anchor()
        self.undo_stack.beginMacro("Duplicate steps")
        nodes = [n for n in (self.graph.duplicate_nodes(selected) or []) if isinstance(n, StepNode)]
        self._give_fresh_ids(nodes)
        self._splice(nodes, anchor)
        self.undo_stack.endMacro()
        self.select(nodes)
        return nodes

    def _anchor(self) -> StepNode | None:
        """Where copies go: after the selected step latest in the chain, else the chain's end."""
        report, by_id = convert.check_graph(self.graph)
        if not report.ok or not report.order:
            return None
        chosen = {n.id for n in self.selected()}
        in_chain = [by_id[i] for i in report.order if by_id[i].id in chosen]
        return in_chain[-1] if in_chain else by_id[report.order[-1]]

    def _splice(self, copies: list[StepNode], anchor: StepNode | None) -> None:
        """Wire ``copies`` in as one run of steps after ``anchor``; never a branch.

        A copy keeps the wires between copies; its wires to steps that were not
        copied are dropped (they would make one step feed two). The copies, in
        their own order (else left to right), then go between ``anchor`` and what
        followed it.
        """
        if not copies:
            return
        mine = {id(n) for n in copies}
        for node in copies:
            for port in (*node.inputs().values(), *node.outputs().values()):
                for other in list(port.connected_ports()):
                    if id(other.node()) not in mine:
                        port.disconnect_from(other)
        run = _run_order(copies)
        for first, second in itertools.pairwise(run):
            if not first.output(0).connected_ports():
                first.output(0).connect_to(second.input(0))
        if anchor is None:
            return
        after = list(anchor.output(0).connected_ports())
        for port in after:
            anchor.output(0).disconnect_from(port)
        anchor.output(0).connect_to(run[0].input(0))
        for port in after:
            run[-1].output(0).connect_to(port)
        dx = 290.0
        for index, node in enumerate(run, start=1):
            node.set_pos(anchor.x_pos() + dx * index, anchor.y_pos() + 140.0)

    def auto_layout(self) -> None:
        """Lay the chain out left to right, wrapping long chains (one undo step)."""
        report, by_id = convert.check_graph(self.graph)
        order = [by_id[i] for i in report.order] if report.ok else self.nodes()
        self.graph.begin_undo("auto-layout")  # shown as "Undo auto-layout"
        for node, (x, y) in zip(order, chain_positions(len(order)), strict=True):
            node.set_pos(x, y)
        self.graph.end_undo()
        self.fit()

    def fit(self, *, selection_only: bool = False) -> None:
        """Frame every step (Zoom to fit), or the selected ones (Zoom to selection), never
        magnifying past 100 %."""
        chosen = self.selected() if selection_only else []
        graph_adapter.frame(self.view, [n.item for n in (chosen or self.nodes())], margin=80)

    def zoom(self, direction: int) -> None:
        """Zoom in a step (``direction`` 1) or out (-1)."""
        graph_adapter.zoom_by(self.view, 0.1 * direction)

    # --- internals ------------------------------------------------------------------

    def _give_fresh_ids(self, nodes: list[StepNode]) -> None:
        taken = {n.step_id() for n in self.nodes() if n not in nodes}
        for node in nodes:
            step_id = node.step_id()
            if not step_id or step_id in taken:
                step_id = self.fresh_step_id(node.step_type.name, taken)
                node.set_property("step_id", step_id, push_undo=True)
            taken.add(step_id)
            node.refresh_subtitle()

    def _on_node_created(self, node: Any) -> None:
        if isinstance(node, StepNode):
            taken = self.step_ids(exclude=node)
            if not node.step_id() or node.step_id() in taken:
                node.model.set_property("step_id", self.fresh_step_id(node.step_type.name, taken))
            node.refresh_subtitle()

    def _on_drop(self, mime: QMimeData, pos: QPoint | QPointF) -> None:
        if mime.hasFormat(STEP_MIME):
            type_name = bytes(mime.data(STEP_MIME).data()).decode("utf-8")
        elif mime.text().startswith(STEP_TEXT_PREFIX):
            type_name = mime.text()[len(STEP_TEXT_PREFIX):]
        else:
            return
        if type_name in self.node_classes:
            self.add_step(type_name, pos=(pos.x() - 110, pos.y() - 34))

    def _on_property_changed(self, node: Any, name: str, _value: Any) -> None:
        if isinstance(node, StepNode) and name in ("step_id", "name", "step_config",
                                                   "step_timeout"):
            if name == "step_id":
                node.refresh_subtitle()
            self.step_changed.emit(node, name)

    def _on_edit(self, _index: int) -> None:
        self.clear_marks()
        self.changed.emit()

    def _emit_selection(self, *_args: Any) -> None:
        selected = self.selected()
        self.selection_changed.emit(selected[0] if len(selected) == 1 else None)


PROPERTY_WORDS = {"step_config": "settings", "step_id": "id", "name": "name",
                  "step_timeout": "timeout"}


def _run_order(copies: list[StepNode]) -> list[StepNode]:
    """The copies as one run: following their own wires from the one with no copy before it,
    else (no wires) from left to right."""
    by_id = {id(n): n for n in copies}
    incoming = {id(n): [p.node() for p in n.input(0).connected_ports() if id(p.node()) in by_id]
                for n in copies}
    starts = sorted((n for n in copies if not incoming[id(n)]), key=lambda n: n.x_pos())
    order: list[StepNode] = []
    seen: set[int] = set()
    for start in starts:
        node: StepNode | None = start
        while node is not None and id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            nxt = [p.node() for p in node.output(0).connected_ports() if id(p.node()) in by_id]
            node = nxt[0] if nxt else None
    order += [n for n in copies if id(n) not in seen]
    return order
