"""What the issue-20 checks (exact numbers, compact sizes, lookalike ids) cost.

``.venv/bin/python -m bench.bench_trust``. Each line is a ratio against a
baseline measured in the same run (docs/benchmarks.md, "Issue 20"):

- parsing an 11 MB run input with ``parse_json`` (depth and number scan,
  compact size, duplicate keys) against the stdlib ``json.loads``, and, with
  ``BASE`` (a checkout of an older commit, e.g. a ``git worktree``), against
  that commit's ``parse_json``, which had none of the issue-20 checks;
- the same input holding one float of 1e19 (the trace an out-of-range whole
  number leaves, so the exact second parse runs) against the same baseline;
- loading a 50-step document (ids compared by TR39 skeleton) against loading
  it with the skeleton replaced by the identity, i.e. the exact comparison
  that was there before.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.common import best_of, report
from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.document import load_experiment


def _input(extra: dict[str, Any] | None = None) -> bytes:
    records = [{"id": i, "name": f"user-{i}", "score": i / 7, "tags": ["a", "b"], "ok": True}
               for i in range(120_000)]
    return json.dumps({"records": records, **(extra or {})}).encode()


def _old_parse_json(base: Path) -> Any:
    spec = importlib.util.spec_from_file_location(
        "old_jsonio", base / "orchestrator_gui" / "core" / "jsonio.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_json


def parsing(base: Path | None) -> None:
    plain = _input()
    suspect = _input({"big": 1e19})
    if base is not None:
        old = _old_parse_json(base)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(5):  # alternated, so that the machine's noise moves both
            ours.append(best_of(lambda: jsonio.parse_json(plain, what="input"), repeat=1))
            theirs.append(best_of(lambda: old(plain, what="input", max_bytes=2 * len(plain)),
                                  repeat=1))
        report(f"parse_json of a {len(plain) / jsonio.MIB:.1f} MB input vs {base}'s (medians)",
               statistics.median(ours), statistics.median(theirs), "<= 1.1x")
    baseline = best_of(lambda: json.loads(plain), repeat=3)
    report(f"parse_json of a {len(plain) / jsonio.MIB:.1f} MB input vs json.loads",
           best_of(lambda: jsonio.parse_json(plain, what="input"), repeat=3), baseline,
           "(informative)")
    report("  ... holding a float of 1e19 (the exact second parse runs) vs json.loads",
           best_of(lambda: jsonio.parse_json(suspect, what="input"), repeat=3), baseline,
           "(informative)")


def lookalike_ids() -> None:
    document = {"id": "e", "name": "E", "steps": [
        {"id": f"step-{i}", "type": "input", "name": f"Step {i}"} for i in range(50)]}
    text = json.dumps(document)
    ours = best_of(lambda: load_experiment(text), repeat=20)
    real = lookalike.skeleton
    lookalike.skeleton = lambda name: name  # type: ignore[assignment]
    try:
        exact = best_of(lambda: load_experiment(text), repeat=20)
    finally:
        lookalike.skeleton = real
    report("loading a 50-step document, ids by skeleton vs by exact text", ours, exact,
           "(informative)")


if __name__ == "__main__":
    parsing(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    lookalike_ids()
