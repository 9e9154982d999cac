"""Running many inputs of one experiment: suites and sweeps share this.

A fixed pool of workers, as many as the engine's concurrent-run limit, pull
the next input when their run ends. Starting one task per input instead
would queue a thousand runs at once (each with its record and ``RunQueued``
event) for no gain in speed; the pool keeps memory flat and still lets the
engine's own limit apply when other runs (the app's) share it.

An input the engine refuses (over the size limit, say) becomes a
:class:`BatchItem` with ``problem`` set; the other inputs still run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.engine import Engine, default_engine
from orchestrator_gui.core.errors import InputError
from orchestrator_gui.core.events import Listener
from orchestrator_gui.core.result import RunResult


@dataclass(frozen=True)
class BatchItem:
    """One input's outcome: the run, or why it could not start."""

    index: int
    result: RunResult | None
    problem: str | None = None


async def run_many(
    experiment: Experiment,
    inputs: Sequence[tuple[str | None, dict[str, Any]]],
    *,
    engine: Engine | None = None,
    dry_run: bool = False,
    concurrency: int | None = None,
    listeners: Sequence[Listener] = (),
    on_item: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """Run ``(scenario, input)`` pairs, at most ``concurrency`` at once (default: the
    engine's limit); ``on_item`` is called as each ends. Returns items in input order."""
    engine = engine or default_engine()
    width = max(1, min(concurrency or engine.limits.max_concurrent_runs, len(inputs) or 1))
    items: list[BatchItem | None] = [None] * len(inputs)
    cursor = iter(range(len(inputs)))

    async def worker() -> None:
        for index in cursor:
            scenario, run_input = inputs[index]
            try:
                handle = engine.start(experiment, run_input, scenario=scenario,
                                      dry_run=dry_run, listeners=listeners)
            except InputError as exc:
                item = BatchItem(index, None, str(exc))
            else:
                try:
                    item = BatchItem(index, await handle)
                except asyncio.CancelledError:
                    handle.cancel()
                    raise
            items[index] = item
            if on_item is not None:
                on_item(item)

    await asyncio.gather(*(worker() for _ in range(width)))
    return [item for item in items if item is not None]
