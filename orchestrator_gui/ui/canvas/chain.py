"""Chain checking: the canvas must be one straight line of steps to run or export.

A document is an ordered list, so the graph drawn from it must be a single
chain. This module works on plain ids and edges (no Qt) and reports every
problem with the nodes at fault, so the canvas can mark them and the message
can name them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChainProblem:
    """One reason the graph is not a chain, with the nodes to mark."""

    message: str
    node_ids: tuple[str, ...]


@dataclass(frozen=True)
class ChainReport:
    """The result of a check: the step order when it is a chain, else the problems."""

    order: list[str] = field(default_factory=list)
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fault_ids(self) -> set[str]:
        return {node_id for p in self.problems for node_id in p.node_ids}

    def summary(self) -> str:
        return "\n".join(p.message for p in self.problems)



def check_chain(
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    label: Callable[[str], str] = str,
) -> ChainReport:
    """Check that ``edges`` (source, target) link ``node_ids`` into one chain.

    ``node_ids`` should be in a stable visual order (left to right): it decides
    which part counts as "the chain" when the graph falls apart in pieces.
    """
    if not node_ids:
        return ChainReport(
            problems=[ChainProblem("The canvas is empty: drag a step from the palette.", ())]
        )
    outs: dict[str, list[str]] = {n: [] for n in node_ids}
    ins: dict[str, list[str]] = {n: [] for n in node_ids}
    for src, dst in edges:
        if src in outs and dst in ins:
            outs[src].append(dst)
            ins[dst].append(src)
    problems: list[ChainProblem] = []
    for node in node_ids:
        if len(outs[node]) > 1:
            targets = ", ".join(label(t) for t in outs[node])
            problems.append(ChainProblem(
                f"Branch: {label(node)} feeds {len(outs[node])} steps ({targets}); "
                "a step can pass its output to one next step only.",
                (node, *outs[node]),
            ))
        if len(ins[node]) > 1:
            sources = ", ".join(label(s) for s in ins[node])
            problems.append(ChainProblem(
                f"Merge: {label(node)} receives from {len(ins[node])} steps ({sources}); "
                "a step takes its input from one previous step only.",
                (node, *ins[node]),
            ))
    cycle = _cycle_nodes(node_ids, outs)
    if cycle:
        names = " -> ".join(label(n) for n in cycle)
        problems.append(ChainProblem(
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
            problems.append(ChainProblem(
                f"Not connected: {names} {what} not linked to the chain; "
                "connect it or delete it.",
                tuple(piece),
            ))
    if problems:
        return ChainReport(problems=problems)
    start = next(n for n in node_ids if not ins[n])
    order = [start]
    while outs[order[-1]]:
        order.append(outs[order[-1]][0])
    return ChainReport(order=order)


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
        order = {n: i for i, n in enumerate(node_ids)}
        pieces.append(sorted(piece, key=order.__getitem__))
    return pieces
