"""Timing helpers shared by the benchmarks: best-of-N wall time and a ratio line.

Benchmarks print figures and ratios against a baseline measured in the same
run, so that a noisy machine moves both; they never assert thresholds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best wall time in seconds of ``number`` calls, over ``repeat`` tries."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def median_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float, goal: str, unit: str = "ms") -> str:
    scale = {"ms": 1e3, "us": 1e6}[unit]
    ratio = ours / baseline if baseline else float("inf")
    line = (f"{name}: ours {ours * scale:.3f} {unit}, baseline {baseline * scale:.3f} {unit}, "
            f"ratio {ratio:.3g}x (goal {goal})")
    print(line, flush=True)
    return line
