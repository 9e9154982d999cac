"""A structural diff of JSON values by path, for comparing runs and experiment versions.

Two runs of the same pipeline always differ in some places that say nothing
about behaviour: run ids, timestamps, durations. Those changes are still
listed, but marked ``volatile`` so that "did the step give a different
output?" can ignore them. A key is volatile when its name is one of
:data:`VOLATILE_KEYS`, wherever it sits.

Paths use the dotted form of :mod:`orchestrator_gui.core.paths`
(``decision.outcome``, ``items.0.id``), so any path shown can be fed back to
``get_path`` or written into a suite expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.paths import is_number

VOLATILE_KEYS = frozenset({
    "timestamp", "runId", "durationMs", "totalDurationMs", "stepDurationsMs",
    "startedAt", "finishedAt",
})

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One difference: ``before`` is absent (None) for ``added``, ``after`` for ``removed``."""

    path: str
    kind: ChangeKind
    before: Any = None
    after: Any = None
    volatile: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "before": self.before,
                "after": self.after, "volatile": self.volatile}


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` equals ``1.0``, containers deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def diff(before: Any, after: Any, *, prefix: str = "") -> list[Change]:
    """Every difference between two JSON values, depth first, in key order of ``before``."""
    out: list[Change] = []
    _walk(before, after, prefix, False, out)
    return out


def meaningful(changes: list[Change]) -> list[Change]:
    """The changes that are not volatile."""
    return [c for c in changes if not c.volatile]


def _join(prefix: str, key: str | int) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _walk(a: Any, b: Any, path: str, volatile: bool, out: list[Change]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            sub = _join(path, key)
            hot = volatile or key in VOLATILE_KEYS
            if key in b:
                _walk(a[key], b[key], sub, hot, out)
            else:
                out.append(Change(sub, "removed", before=a[key], volatile=hot))
        for key in b:
            if key not in a:
                out.append(Change(_join(path, key), "added", after=b[key],
                                  volatile=volatile or key in VOLATILE_KEYS))
        return
    if isinstance(a, list) and isinstance(b, list):
        for index in range(min(len(a), len(b))):
            _walk(a[index], b[index], _join(path, index), volatile, out)
        for index in range(len(b), len(a)):
            out.append(Change(_join(path, index), "removed", before=a[index], volatile=volatile))
        for index in range(len(a), len(b)):
            out.append(Change(_join(path, index), "added", after=b[index], volatile=volatile))
        return
    if not same(a, b):
        out.append(Change(path or "(whole value)", "changed", before=a, after=b,
                          volatile=volatile))


def describe(change: Change, width: int = 60) -> str:
    """One line for people: ``decision.outcome: "below" -> "above"``."""
    def show(value: Any) -> str:
        text = jsonio.dumps(value).decode("utf-8")
        return text if len(text) <= width else text[: width - 3] + "..."

    if change.kind == "added":
        return f"+ {change.path}: {show(change.after)}"
    if change.kind == "removed":
        return f"- {change.path}: {show(change.before)}"
    return f"~ {change.path}: {show(change.before)} -> {show(change.after)}"
