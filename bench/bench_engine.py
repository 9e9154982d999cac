"""Engine benchmarks (issue 2): per-step overhead, snapshots, refusing oversized input.

Run: ``.venv/bin/python -m bench.bench_engine``. Each figure is printed with
the baseline measured in the same run and the ratio between them.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

from bench.common import best_of, report
from orchestrator_gui import Engine, InputError, Limits, StepRegistry, StepType, load_experiment
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.engine import prepare_input

STEPS = 50


async def _noop(step: Any, ctx: Any) -> dict[str, Any]:
    return ctx.input


async def _noop_coro() -> None:
    return None


def engine_overhead() -> None:
    registry = StepRegistry()
    registry.register(StepType(name="noop", handler=_noop))
    exp = load_experiment(
        {"id": "bench", "name": "Bench",
         "steps": [{"id": f"s{i}", "type": "noop", "name": f"S{i}"} for i in range(STEPS)]},
        registry=registry,
    )
    engine = Engine(Limits(), registry=registry)
    payload = {"riskScore": 0.5, "email": None}
    runs = 200

    async def pipeline() -> float:
        t0 = time.perf_counter()
        for _ in range(runs):
            handle = engine.start(exp, payload)
            await handle
        return (time.perf_counter() - t0) / (runs * STEPS)

    async def baseline() -> float:
        t0 = time.perf_counter()
        for _ in range(runs * STEPS):
            await asyncio.create_task(_noop_coro())
        return (time.perf_counter() - t0) / (runs * STEPS)

    ours = min(asyncio.run(pipeline()) for _ in range(3))
    base = min(asyncio.run(baseline()) for _ in range(3))
    report(f"engine per step ({STEPS}-step no-op pipeline, whole run incl. start)", ours, base,
           "<= 2.5x", unit="us")


def snapshots() -> None:
    payload = {"records": [{"id": i, "name": f"user {i}", "score": i / 7, "tags": ["a", "b"],
                            "nested": {"ok": True, "n": None}} for i in range(9000)]}
    size = len(jsonio.dumps(payload))

    def snapshot_and_copy() -> None:
        # snapshot the output, then decode the next handler's private copy of it
        jsonio.loads_trusted(jsonio.dumps(payload))

    deep = best_of(lambda: copy.deepcopy(payload))
    report(f"keeping a step's output for the record ({size / 1e6:.2f} MB payload) vs deepcopy",
           best_of(lambda: jsonio.dumps(payload)), deep, ">= 5x faster, i.e. <= 0.2x")
    report("  ... plus decoding the next handler's private copy, vs deepcopy",
           best_of(snapshot_and_copy), deep, "(informative)")


def refusing_oversized_input() -> None:
    payload = {"records": [{"id": i, "name": f"user-{i}", "score": i / 7}
                           for i in range(195_000)]}
    text = json.dumps(payload, separators=(",", ":"))
    raw = text.encode()
    assert len(raw) > 10.8 * jsonio.MIB

    def refuse_text() -> None:
        try:
            prepare_input(raw)
        except InputError:
            return
        raise AssertionError("not refused")

    def refuse_dict() -> None:
        try:
            prepare_input(payload)
        except InputError:
            return
        raise AssertionError("not refused")

    parse = best_of(lambda: json.loads(text), repeat=3)
    report(f"refusing a {len(raw) / jsonio.MIB:.1f} MB input given as JSON text vs json.loads",
           best_of(refuse_text, repeat=5), parse, "<= 1%, i.e. <= 0.01x")
    report(f"refusing a {len(raw) / jsonio.MIB:.1f} MB input given as a dict vs json.loads",
           best_of(refuse_dict, repeat=5), parse, "(no goal: the serialisation is the snapshot)")


if __name__ == "__main__":
    engine_overhead()
    snapshots()
    refusing_oversized_input()
