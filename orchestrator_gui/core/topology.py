"""Which order steps run in, and what makes a graph of steps unrunnable.

One module for everyone who asks: the canvas (is what the user drew one
chain?), document validation (``load_experiment``, hence ``orchestrator
validate``, import and the store) and the engine (in which order to run).
The rules are in docs/format.md ("Order").

The model is plain: node ids and directed edges ``(source, target)``, where an
edge means "the source's output is the target's input". :func:`plan_graph`
turns them into a :class:`Plan`: the run order when the graph is one chain,
else every problem with the nodes at fault. A document has no edges of its
own yet: each step feeds the next one in list order (:func:`document_edges`).
Branching steps would add edges to the document and kinds of node to the
plan; the callers already go through these functions.

No Qt here: the canvas hands in NodeGraphQt ids and a ``label`` for messages.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from orchestrator_gui.core.errors import ExperimentError

Edge = tuple[str, str]
Label = Callable[[str], str]


class HasId(Protocol):
    """Anything with a step id: a document's ``Step``, a record's step."""

    @property
    def id(self) -> str: ...


StepT = TypeVar("StepT", bound=HasId)


@dataclass(frozen=True)
class Problem:
    """One reason the graph cannot run, with the nodes to mark."""

    message: str
    node_ids: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The result of a check: the run order when the graph can run, else the problems."""

    order: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fault_ids(self) -> set[str]:
        return {node_id for p in self.problems for node_id in p.node_ids}

    def summary(self) -> str:
        return "\n".join(p.message for p in self.problems)


def document_edges(step_ids: Sequence[str]) -> list[Edge]:
    """The edges a document implies: each step feeds the next one in list order."""
    return list(itertools.pairwise(step_ids))


def plan_steps(steps: Sequence[HasId], label: Label = str) -> Plan:
    """The plan of a document's steps (linked by :func:`document_edges`).

    Distinct ids linked in list order are always one chain in that order, so
    that case skips the graph walk (it would cost the engine ~3 µs a step).
    """
    ids = [step.id for step in steps]
    if ids and len(set(ids)) == len(ids):
        return Plan(order=ids)
    return plan_graph(ids, document_edges(ids), label)


def run_order(steps: Sequence[StepT]) -> list[StepT]:
    """``steps`` in the order they run; raises ``ExperimentError`` when they cannot run.

    The engine calls it once per run: distinct ids in list order return at once,
    without building a :class:`Plan`.
    """
    ids = [step.id for step in steps]
    if ids and len(set(ids)) == len(ids):
        return list(steps)
    plan = plan_graph(ids, document_edges(ids))
    if not plan.ok:
        raise ExperimentError([f"steps: {p.message}" for p in plan.problems])
    by_id = {step.id: step for step in steps}
    return [by_id[step_id] for step_id in plan.order]


def plan_graph(node_ids: Sequence[str], edges: Sequence[Edge], label: Label = str) -> Plan:
    """Check that ``edges`` link ``node_ids`` into one chain; the order or every problem.

    ``node_ids`` should be in a stable order (the canvas gives left to right):
    it decides which piece counts as "the chain" when the graph falls apart.
    Edges naming an unknown node are ignored. Linear in nodes plus edges.
    """
    if not node_ids:
        return Plan(problems=[Problem("The canvas is empty: drag a step from the palette.", ())])
    outs: dict[str, list[str]] = {n: [] for n in node_ids}
    ins: dict[str, list[str]] = {n: [] for n in node_ids}
    for src, dst in edges:
        if src in outs and dst in ins:
            outs[src].append(dst)
            ins[dst].append(src)
    problems: list[Problem] = []
    for node in node_ids:
        if len(outs[node]) > 1:
            targets = ", ".join(label(t) for t in outs[node])
            problems.append(Problem(
                f"Branch: {label(node)} feeds {len(outs[node])} steps ({targets}); "
                "a step can pass its output to one next step only.",
                (node, *outs[node]),
            ))
        if len(ins[node]) > 1:
            sources = ", ".join(label(s) for s in ins[node])
            problems.append(Problem(
                f"Merge: {label(node)} receives from {len(ins[node])} steps ({sources}); "
                "a step takes its input from one previous step only.",
                (node, *ins[node]),
            ))
    cycle = _cycle_nodes(node_ids, outs)
    if cycle:
        names = " -> ".join(label(n) for n in cycle)
        problems.append(Problem(
            f"Loop: {names} -> {label(cycle[0])}; steps run once each, in order: "
            "remove one of these connections.",
            tuple(cycle),
        ))
    pieces = _components(node_ids, outs, ins)
    if len(pieces) > 1:
        main = max(pieces, key=len)  # ties: the first piece, i.e. the leftmost
        for piece in pieces:
            if piece is main:
                continue
            names = ", ".join(label(n) for n in piece)
            what = "is" if len(piece) == 1 else "are"
            problems.append(Problem(
                f"Not connected: {names} {what} not linked to the chain; "
                "connect it or delete it.",
                tuple(piece),
            ))
    if problems:
        return Plan(problems=problems)
    start = next(n for n in node_ids if not ins[n])
    order = [start]
    while outs[order[-1]]:
        order.append(outs[order[-1]][0])
    return Plan(order=order)


def _cycle_nodes(node_ids: Sequence[str], outs: dict[str, list[str]]) -> list[str]:
    """The nodes of the first cycle found, in edge order (empty when acyclic)."""
    state: dict[str, int] = {}
    for root in node_ids:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            if index < len(outs[node]):
                stack.append((node, index + 1))
                nxt = outs[node][index]
                if state.get(nxt) == 1:
                    return path[path.index(nxt):]
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []


def _components(
    node_ids: Sequence[str], outs: dict[str, list[str]], ins: dict[str, list[str]]
) -> list[list[str]]:
    order = {n: i for i, n in enumerate(node_ids)}
    seen: set[str] = set()
    pieces: list[list[str]] = []
    for root in node_ids:
        if root in seen:
            continue
        piece, todo = [], [root]
        seen.add(root)
        while todo:
            node = todo.pop()
            piece.append(node)
            for nxt in outs[node] + ins[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        pieces.append(sorted(piece, key=order.__getitem__))
    return pieces
