"""What holds the UI thread, by kind: for finding where a timer's lateness comes from.

A p99 alone says *that* the window was late, not *why*. Installed before the
``QApplication`` exists, :func:`install` counts every stretch of UI-thread
work longer than ``threshold_ms`` by kind:

- a Qt event delivered by the application (a ``MetaCall`` on the scene is the
  canvas processing dirty items and painting; ``UpdateRequest`` on a window is
  a window paint; ``Timer`` on qasync's ``_SimpleTimer`` is asyncio callbacks),
- an asyncio callback (a run's task waking up: engine step, listeners, slots),
- a pass of Python's cyclic garbage collector (by generation),

and, on the store's writer thread, each batch it writes (:meth:`Census.writer_report`):
that thread holds the GIL while it runs Python, and the UI thread waits for it then.

The kinds overlap (an asyncio callback runs inside a qasync ``Timer`` event),
so read each line on its own. Used by ``bench_run_ui.py --census``.

A count by kind misses chains: a timer that falls due during an engine step
waits for that step *and* for the posted events it caused (the canvas's
update, then the window's paint), which Qt handles before due timers.
``--timeline`` therefore also keeps every stretch over 0.3 ms with its start
and end, and :meth:`Census.around` lists what ran during the worst gaps.

Wall-clock stretches also grow when the VM is descheduled, and on a noisy day
that swamps a change being measured; so each Qt event's CPU time on the UI
thread is kept too (:meth:`Census.cpu_report`): the count of events over the
threshold and their CPU time beyond it compare two builds more steadily.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import itertools
import time
from typing import Any

from PySide6.QtWidgets import QApplication

Counts = collections.Counter[str]


class Census:
    """Stretches of UI-thread work over a threshold, counted and summed by kind."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold = threshold_ms / 1000
        self.cpu: list[float] = []  # the UI thread's CPU seconds of each Qt event delivered
        self.cpu_kinds: collections.defaultdict[str, list[float]] = collections.defaultdict(list)
        self.count: Counts = collections.Counter()
        self.seconds: collections.defaultdict[str, float] = collections.defaultdict(float)
        self.excess: collections.defaultdict[str, float] = collections.defaultdict(float)
        self.enabled = False
        self.timeline: list[tuple[float, float, str]] | None = None  # (start, end, kind)
        self.writes: list[tuple[float, float, float]] = []  # store writer batches: start, end, CPU

    def add(self, kind: str, seconds: float) -> None:
        """A stretch of ``seconds`` of ``kind`` that has just ended."""
        if self.enabled and self.timeline is not None and seconds > 0.0003:
            end = time.perf_counter()
            self.timeline.append((end - seconds, end, kind))
        if self.enabled and seconds > self.threshold:
            self.count[kind] += 1
            self.seconds[kind] += seconds
            self.excess[kind] += seconds - self.threshold

    def add_cpu(self, kind: str, seconds: float) -> None:
        """The UI thread's CPU ``seconds`` in a stretch of ``kind`` that has just ended."""
        if self.enabled and seconds > self.threshold:
            self.cpu_kinds[kind].append(seconds)

    def cpu_report(self, top: int = 8) -> str:
        """Chunks by the UI thread's own CPU time, which the host's noise stretches less.

        Wall-clock stretches grow when the VM is descheduled (idle p99 of a bare timer
        0.5 ms on a quiet day, 3 ms on a busy one); CPU time much less (not nothing: the
        same build gave 53 and 135 events over 1.5 ms an hour apart), so this is the
        figure to compare two builds by, in interleaved pairs, on a noisy machine."""
        over = [c for c in self.cpu if c > self.threshold]
        excess = sum(c - self.threshold for c in over) * 1000
        limit = self.threshold * 1000
        lines = [f"UI-thread Qt events by CPU time: {len(self.cpu)} events, "
                 f"{sum(self.cpu) * 1000:.0f} ms; {len(over)} over {limit:.1f} ms, "
                 f"{excess:.0f} ms beyond it"]
        kinds = sorted(self.cpu_kinds.items(), key=lambda kv: -sum(kv[1]))
        for kind, times in kinds[:top]:
            lines.append(f"  {kind}: {len(times)} x {sum(times) / len(times) * 1000:.1f} ms, "
                         f"{sum(t - self.threshold for t in times) * 1000:.0f} ms beyond")
        return "\n".join(lines)

    def report(self, top: int = 12) -> str:
        limit = self.threshold * 1000
        lines = [f"UI-thread stretches over {limit:.1f} ms, by kind (count, mean, total, "
                 f"time beyond {limit:.1f} ms; a timer due in that time is late by more):",
                 f"  all: {sum(self.count.values())} stretches, "
                 f"{sum(self.excess.values()) * 1000:.0f} ms beyond {limit:.1f} ms"]
        for kind, n in self.count.most_common(top):
            total = self.seconds[kind]
            lines.append(f"  {kind}: {n} x {total / n * 1000:.1f} ms = {total * 1000:.0f} ms, "
                         f"{self.excess[kind] * 1000:.0f} ms beyond")
        return "\n".join(lines)

    def writer_report(self, ticks: list[list[float]], bound_ms: float,
                      interval_ms: float = 16) -> str:
        """The store's writer thread while the timer ran: its batches, and how many of the
        ticks late by more than ``bound_ms`` fell due while one was being written (the
        writer holds the GIL that every Python call of the UI thread needs)."""
        if not self.writes:
            return "store writer: no batches while measured"
        cpu = sorted(c * 1000 for _s, _e, c in self.writes)
        late = [before + interval_ms / 1000 for gap, before, _fired in gaps(ticks, interval_ms)
                if gap > bound_ms]
        during = sum(any(s - 0.001 <= due <= e + 0.0005 for s, e, _c in self.writes)
                     for due in late)
        share = sum(e - s for s, e, _c in self.writes) / max(1e-9, sum(
            one[-1] - one[0] for one in ticks if one))
        return (f"store writer: {len(cpu)} batches, CPU median {cpu[len(cpu) // 2]:.2f} ms, "
                f"p90 {cpu[len(cpu) * 9 // 10]:.2f} ms, writing {share:.1%} of the time; "
                f"late ticks due while it wrote: {during} of {len(late)}")

    def around(self, ticks: list[list[float]], interval_ms: float = 16, worst: int = 6) -> str:
        """What the UI thread ran during the ``worst`` latest ticks of ``ticks`` (lists of
        tick times), each stretch from 4 ms before the tick fell due to when it fired."""
        lines = []
        for late, before, fired in reversed(sorted(gaps(ticks, interval_ms))[-worst:]):
            due = before + interval_ms / 1000
            lines.append(f"tick {late:.1f} ms late; stretches (ms from when it fell due):")
            lines += [f"  {(t0 - due) * 1000:+7.2f} .. {(t1 - due) * 1000:+7.2f}  {kind}"
                      for t0, t1, kind in self.timeline or () if t1 > due - 0.004 and t0 < fired]
        return "\n".join(lines)


def gaps(ticks: list[list[float]], interval_ms: float) -> list[tuple[float, float, float]]:
    """(ms late, previous tick, this tick) for each tick of ``ticks`` (lists of tick times)."""
    return [((b - a) * 1000 - interval_ms, a, b) for one in ticks
            for a, b in itertools.pairwise(one)]


def install(threshold_ms: float = 1.5) -> tuple[QApplication, Census]:
    """A QApplication that times its events, with asyncio and GC timed too."""
    census = Census(threshold_ms)

    class TimedApplication(QApplication):
        depth = 0

        def notify(self, receiver: Any, event: Any) -> bool:
            if TimedApplication.depth:  # only the outermost delivery is one stretch
                return super().notify(receiver, event)
            TimedApplication.depth += 1
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return super().notify(receiver, event)
            finally:
                TimedApplication.depth -= 1
                cpu = time.thread_time() - c0
                kind = f"Qt {event.type().name} -> {type(receiver).__name__}"
                if census.enabled:
                    census.cpu.append(cpu)
                census.add_cpu(kind, cpu)
                census.add(kind, time.perf_counter() - t0)

    run = asyncio.events.Handle._run

    def timed_run(handle: Any) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        run(handle)
        cpu = time.thread_time() - c0
        owner = getattr(handle._callback, "__self__", None)
        coro = owner.get_coro() if hasattr(owner, "get_coro") else None
        name = getattr(coro, "__qualname__", None) or getattr(
            handle._callback, "__qualname__", type(handle._callback).__name__)
        census.add(f"asyncio {name}", time.perf_counter() - t0)
        census.add_cpu(f"asyncio {name}", cpu)  # inside a Qt event, already in its total

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
    started: dict[str, float] = {}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started["t"] = time.perf_counter()
        else:
            census.add(f"gc generation {info['generation']}", time.perf_counter() - started["t"])

    gc.callbacks.append(on_gc)

    from orchestrator_gui.store.background import BackgroundRecorder

    write = BackgroundRecorder._write

    def timed_write(recorder: Any, batch: Any) -> None:  # on the writer thread
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            write(recorder, batch)
        finally:
            if census.enabled:
                census.writes.append((t0, time.perf_counter(), time.thread_time() - c0))

    BackgroundRecorder._write = timed_write  # type: ignore[method-assign]
    return TimedApplication([]), census
