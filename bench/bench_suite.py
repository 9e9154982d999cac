"""Suite throughput: 1,000 scenarios of a 10-step experiment, vs the same runs back to back.

Goal (issue 8): ``run_suite`` reaches at least 80% of the throughput of the
same 1,000 runs started one after another through ``run_experiment``. Both
are measured in this run, alternately, on the same engine; the best of
``REPEAT`` rounds of each is compared. Nothing is stored (neither side is
given a store).

    .venv/bin/python -m bench.bench_suite
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from orchestrator_gui import Engine, load_experiment, run_experiment
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.suite_model import Scenario, Suite
from orchestrator_gui.core.suites import run_suite

SCENARIOS = 1000
REPEAT = 5

STEPS: list[dict[str, Any]] = [
    {"id": "input-1", "type": "input", "name": "Collect", "config": {}},
    {"id": "transform-1", "type": "transform", "name": "Normalize",
     "config": {"mapping": {"riskScore": "risk_level"}}},
    {"id": "map-1", "type": "data_mapping", "name": "Reshape",
     "config": {"mappings": {"customer.email": "email", "customer.segment": "segment"}}},
    {"id": "ai-1", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.7}},
    {"id": "transform-2", "type": "transform", "name": "Flag",
     "config": {"thresholds": {"risk_level": 0.95}}},
    {"id": "ai-2", "type": "ai_decision", "name": "Second opinion",
     "config": {"threshold": 0.5}},
    {"id": "compliance-1", "type": "compliance_check", "name": "GDPR",
     "config": {"standard": "GDPR", "action": "mask"}},
    {"id": "map-2", "type": "data_mapping", "name": "Summary",
     "config": {"mappings": {"summary.outcome": "decision.outcome"}}},
    {"id": "compliance-2", "type": "compliance_check", "name": "Re-check",
     "config": {"standard": "GDPR", "action": "flag"}},
    {"id": "metrics-1", "type": "metrics", "name": "Metrics",
     "config": {"fields": ["risk_level", "decision.confidence"]}},
]


def experiment() -> Experiment:
    return load_experiment({"id": "bench-suite", "name": "Bench suite", "steps": STEPS})


def scenarios() -> list[Scenario]:
    out = []
    for i in range(SCENARIOS):
        score = (i % 100) / 100
        email = "person@eu.com" if i % 3 == 0 else None
        out.append(Scenario(
            name=f"case {i}", input={"riskScore": score, "email": email, "segment": "b2c"},
            expect=['status == "success"',
                    f'decision.outcome == "{"above" if score >= 0.5 else "below"}"',
                    "compliance.passed exists"]))
    return out


async def back_to_back(engine: Engine, exp: Experiment, cases: list[Scenario]) -> float:
    t0 = time.perf_counter()
    for case in cases:
        await run_experiment(exp, case.input, scenario=case.name, engine=engine)
    return time.perf_counter() - t0


async def as_suite(engine: Engine, exp: Experiment, cases: list[Scenario]) -> float:
    t0 = time.perf_counter()
    result = await run_suite(exp, Suite(scenarios=cases), engine=engine)
    elapsed = time.perf_counter() - t0
    assert len(result.results) == SCENARIOS and result.all_passed, result.failed
    return elapsed


async def main() -> None:
    engine = Engine()
    exp, cases = experiment(), scenarios()
    await back_to_back(engine, exp, cases[:50])  # warm up
    plain, suite = [], []
    for _ in range(REPEAT):
        plain.append(await back_to_back(engine, exp, cases))
        suite.append(await as_suite(engine, exp, cases))
    best_plain, best_suite = min(plain), min(suite)
    print(f"{SCENARIOS} runs of a {len(STEPS)}-step experiment, best of {REPEAT}")
    print(f"  back to back through run_experiment: {best_plain:.3f} s "
          f"({SCENARIOS / best_plain:.0f} runs/s)")
    print(f"  run_suite (3 expectations each, concurrency {engine.limits.max_concurrent_runs}): "
          f"{best_suite:.3f} s ({SCENARIOS / best_suite:.0f} runs/s)")
    print(f"  suite throughput / back-to-back throughput: {best_plain / best_suite:.2f} "
          "(goal >= 0.80)")


if __name__ == "__main__":
    asyncio.run(main())
