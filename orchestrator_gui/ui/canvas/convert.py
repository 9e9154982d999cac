"""Document <-> graph, both ways, in one place.

The document is the source of truth (docs/architecture.md, "The canvas"):
opening builds a chain of nodes from it, exporting reads the chain back into a
document. Everything the canvas does not edit travels alongside untouched: the
document's own keys (``id``, ``name``, ``settings``, unknown keys) in ``base``,
each step's unknown keys in its node's ``step_extra``. ``ui.positions`` is the only thing the
canvas writes besides the steps.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.topology import Plan, document_edges, plan_graph
from orchestrator_gui.ui.canvas.graph_adapter import NodeGraph
from orchestrator_gui.ui.canvas.layout import chain_positions
from orchestrator_gui.ui.canvas.nodes import StepNode

KNOWN_STEP_KEYS = ("id", "type", "name", "config", "timeoutSeconds")


class ChainError(ValueError):
    """The canvas is not one chain; ``report`` names the nodes at fault."""

    def __init__(self, report: Plan) -> None:
        self.report = report
        super().__init__(report.summary())


def build_graph(
    graph: NodeGraph,
    experiment: Experiment,
    node_classes: dict[str, type[StepNode]],
) -> list[StepNode]:
    """Replace the graph's content with ``experiment``'s steps, connected in order.

    Nothing here enters the undo history: opening a document is not an edit.
    """
    graph.clear_session()
    positions = experiment.ui.positions if experiment.ui else {}
    fallback = chain_positions(len(experiment.steps))
    nodes: list[StepNode] = []
    raw_steps = experiment.to_dict()["steps"]
    for index, (step, raw) in enumerate(zip(experiment.steps, raw_steps, strict=True)):
        node = node_classes[step.type]()
        model = node.model
        model.set_property("step_id", step.id)
        model.set_property("step_config", copy.deepcopy(raw.get("config", {})))
        model.set_property("step_timeout", step.timeout_seconds)
        model.set_property("step_extra", {k: v for k, v in raw.items() if k not in KNOWN_STEP_KEYS})
        pos = positions.get(step.id, fallback[index])
        graph.add_node(node, pos=[float(pos[0]), float(pos[1])], selected=False, push_undo=False)
        # NodeGraphQt made the name unique on add; a document may repeat names.
        node.rename_quietly(step.name)
        node.refresh_subtitle()
        nodes.append(node)
    by_step = {node.step_id(): node for node in nodes}
    for left, right in document_edges([step.id for step in experiment.steps]):
        by_step[left].output(0).connect_to(by_step[right].input(0), push_undo=False,
                                           emit_signal=False)
    graph.clear_undo_stack()
    return nodes


def step_nodes(graph: NodeGraph) -> list[StepNode]:
    """The graph's step nodes, left to right then top to bottom (a stable order)."""
    nodes = [n for n in graph.all_nodes() if isinstance(n, StepNode)]
    nodes.sort(key=lambda n: (round(n.y_pos() / 40), n.x_pos(), n.step_id()))
    return nodes


def node_label(node: StepNode) -> str:
    return f"'{node.name()}' ({node.step_id()})"


def check_graph(graph: NodeGraph) -> tuple[Plan, dict[str, StepNode]]:
    """Check the graph is one chain; returns the report and nodes by NodeGraphQt id."""
    nodes = step_nodes(graph)
    by_id = {n.id: n for n in nodes}
    edges = [
        (n.id, target.node().id)
        for n in nodes
        for port in n.output_ports()
        for target in port.connected_ports()
    ]
    label: Callable[[str], str] = lambda node_id: node_label(by_id[node_id])  # noqa: E731
    return plan_graph([n.id for n in nodes], edges, label), by_id


def graph_to_document(graph: NodeGraph, base: dict[str, Any]) -> dict[str, Any]:
    """The document the canvas shows: ``base``'s keys with the chain's steps and positions.

    Raises :class:`ChainError` when the graph is not one chain. The result is
    plain data; validate it with ``load_experiment`` before trusting it.
    """
    report, by_id = check_graph(graph)
    if not report.ok:
        raise ChainError(report)
    steps: list[dict[str, Any]] = []
    positions: dict[str, list[float]] = {}
    for node_id in report.order:
        node = by_id[node_id]
        step: dict[str, Any] = {
            "id": node.step_id(),
            "type": node.step_type.name,
            "name": node.name(),
            "config": copy.deepcopy(node.get_property("step_config")),
        }
        timeout = node.get_property("step_timeout")
        if timeout is not None:
            step["timeoutSeconds"] = timeout
        step.update(copy.deepcopy(node.get_property("step_extra")))
        steps.append(step)
        x, y = node.pos()
        positions[step["id"]] = [float(x), float(y)]
    document = copy.deepcopy(base)
    document["steps"] = steps
    ui = dict(document.get("ui") or {})
    ui["positions"] = positions
    document["ui"] = ui
    return document
