"""What the issue-20 checks (exact numbers, compact sizes, lookalike ids) cost.

``.venv/bin/python -m bench.bench_trust``. Each line is a ratio against a
baseline measured in the same run (docs/benchmarks.md, "Issue 20"):

- parsing a 9 MB run input with ``parse_json`` (depth and number scan,
  compact size, duplicate keys) against the stdlib ``json.loads`` that any
  reader of it would need anyway;
- the same input holding one float of 1e19 (the trace an out-of-range whole
  number leaves, so the exact second parse runs) against the same baseline;
- loading a 50-step document (ids compared by TR39 skeleton) against loading
  it with the skeleton replaced by the identity, i.e. the exact comparison
  that was there before.
"""

from __future__ import annotations

import json
from typing import Any

from bench.common import best_of, report
from orchestrator_gui.core import jsonio, lookalike
from orchestrator_gui.core.document import load_experiment


def _input(extra: dict[str, Any] | None = None) -> bytes:
    records = [{"id": i, "name": f"user-{i}", "score": i / 7, "tags": ["a", "b"], "ok": True}
               for i in range(120_000)]
    return json.dumps({"records": records, **(extra or {})}).encode()


def parsing() -> None:
    plain = _input()
    suspect = _input({"big": 1e19})
    baseline = best_of(lambda: json.loads(plain), repeat=3)
    report(f"parse_json of a {len(plain) / jsonio.MIB:.1f} MB input vs json.loads",
           best_of(lambda: jsonio.parse_json(plain, what="input"), repeat=3), baseline,
           "(informative: the checks cost less than the stdlib parse alone)")
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
    parsing()
    lookalike_ids()
