"""Store speed, against baselines measured in the same run (no thresholds; prints ratios).

1. History: the newest 50 of 1,000 stored runs through ``Store.list_runs`` against
   raw ``sqlite3`` running the same SQL; goal <= 3x. Prints the query plan of the
   statement the store actually sends (an index, no temporary B-tree).
2. Durability cost: a 50-step run stored step by step (one commit per step) against
   the same run with no store; goal: the store adds <= 1 ms per step.

    .venv/bin/python bench/bench_store.py
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from orchestrator_gui import run_experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.store import Store

RUNS = 1000
STEPS = 50


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def small_pipeline() -> dict[str, Any]:
    return {"id": "bench-small", "name": "Bench", "steps": [
        {"id": "input-1", "type": "input", "name": "In", "config": {}},
        {"id": "transform-1", "type": "transform", "name": "Rename",
         "config": {"mapping": {"riskScore": "risk_level"}}},
        {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
    ]}


def long_pipeline() -> dict[str, Any]:
    return {"id": "bench-long", "name": "Bench 50", "steps": [
        {"id": f"s{i}", "type": "transform", "name": f"Step {i}",
         "config": {"thresholds": {"riskScore": 0.5}}} for i in range(STEPS)]}


def bench_history(store: Store) -> None:
    print(f"filling the store with {RUNS} runs of 3 steps ...", flush=True)
    engine = Engine()

    async def fill() -> None:
        for i in range(RUNS):
            await run_experiment(small_pipeline(), {"riskScore": (i % 100) / 100}, "bench",
                                 store=store, engine=engine)

    t0 = time.perf_counter()
    asyncio.run(fill())
    print(f"  {RUNS} runs stored in {time.perf_counter() - t0:.2f} s")

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM runs" in statement:
            captured.append((statement, params))

    event.listen(store._engine, "before_cursor_execute", capture)
    assert len(store.list_runs(limit=50)) == 50
    event.remove(store._engine, "before_cursor_execute", capture)
    sql, params = captured[-1]

    conn = sqlite3.connect(store.path)
    conn.execute("PRAGMA journal_mode=WAL")
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert len(conn.execute(sql, params).fetchall()) == 50

    ours = median_seconds(lambda: store.list_runs(limit=50), 300)
    base = median_seconds(lambda: conn.execute(sql, params).fetchall(), 300)
    print("\nnewest 50 of 1,000 runs")
    print(f"  SQL: {' '.join(sql.split())}")
    print(f"  query plan: {' | '.join(plan)}")
    print(f"  temp B-tree: {'YES' if any('TEMP B-TREE' in p for p in plan) else 'no'}")
    print(f"  Store.list_runs: {ours * 1e6:8.1f} us (median of 300)")
    print(f"  raw sqlite3:     {base * 1e6:8.1f} us")
    print(f"  ratio: {ours / base:.2f}x (goal <= 3x)")
    conn.close()


def bench_durability(store: Store) -> None:
    engine = Engine()
    doc = long_pipeline()

    async def many(with_store: bool, n: int) -> float:
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            await run_experiment(doc, {"riskScore": 0.9}, "bench", engine=engine,
                                 store=store if with_store else None)
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples)

    async def both() -> tuple[float, float]:
        await many(True, 3)  # warm up both paths
        await many(False, 3)
        return await many(False, 40), await many(True, 40)

    bare, stored = asyncio.run(both())
    per_step = (stored - bare) / STEPS
    print(f"\na {STEPS}-step run, each step committed as it ends")
    print(f"  no store:   {bare * 1000:8.2f} ms per run (median of 40)")
    print(f"  with store: {stored * 1000:8.2f} ms per run")
    print(f"  the store adds {per_step * 1000:.3f} ms per step (goal <= 1 ms); "
          f"ratio {stored / bare:.1f}x")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.db", user="bench", max_runs=RUNS,
                           seed_examples=False)
        try:
            bench_history(store)
            bench_durability(store)
        finally:
            store.close()
    print(f"\npython {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
