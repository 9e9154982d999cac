"""Crash harness: SIGKILL a process running pipelines at random moments, then check the database.

Why: docs/format.md ("Storage in one paragraph") promises that each step's
record is committed when the step ends, so a crash loses at most the step in flight, and that runs left
``running`` come back ``interrupted``. Only a real kill of a real process
shows that. Each round starts a child that runs experiments one after another
(plus a second one alongside, so kills also land between two writers) against
one SQLite file. The child prints ``ACK <run> <step> <status>`` from a
listener registered *after* the store's, so the line is printed only once the
store has committed that step (and ``END <run> <status>`` once a run is
final). The parent kills it after a random, seeded delay, then checks:

- ``PRAGMA integrity_check`` is ``ok`` (raw sqlite3, before anything repairs);
- after ``Store.open`` every acknowledged step is stored with the acknowledged
  status, and every run that had not ended is ``interrupted``.

Run it alone: ``.venv/bin/python -m tests.hardening.crash_harness [--kills 20] [--seed N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHILD_STEPS = 6
AHEAD = 2  # children importing while the current one runs (startup is most of a round)


@dataclass
class Figures:
    """What the harness saw over all rounds."""

    seed: int
    kills: int = 0
    acked_steps: int = 0
    finished_runs: int = 0
    interrupted_runs: int = 0
    delays: list[float] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def child_main(db: str) -> None:
    """Run pipelines forever, acknowledging each committed step on stdout."""
    from orchestrator_gui import register_step_type, run_experiment
    from orchestrator_gui.core.engine import Engine
    from orchestrator_gui.core.events import RunFinished, StepFinished
    from orchestrator_gui.store import Store

    async def work(step: Any, ctx: Any) -> dict[str, Any]:
        await asyncio.sleep(random.uniform(0, 0.01))
        out = dict(ctx.input)
        out[step.id] = "x" * random.randint(0, 20_000)  # rows of varied size
        return out

    register_step_type("crash_work", work)
    steps = [{"id": f"s{i}", "type": "crash_work", "name": f"S{i}"} for i in range(CHILD_STEPS)]
    steps[0] = {"id": "s0", "type": "input", "name": "Input"}
    doc = {"id": "crash", "name": "Crash", "steps": steps}
    sys.stdin.readline()  # imported and waiting: the parent says when the previous child is dead
    store = Store.open(db)

    def ack(event: Any) -> None:
        if isinstance(event, StepFinished) and event.status != "skipped":
            print(f"ACK {event.run_id} {event.step_id} {event.status}", flush=True)
        elif isinstance(event, RunFinished):
            print(f"END {event.run_id} {event.status}", flush=True)

    def before_store(event: Any) -> None:
        if isinstance(event, RunFinished):
            print(f"FINISHING {event.run_id}", flush=True)

    engine = Engine()
    engine.subscribe(before_store)  # engine listeners are called before a run's own

    async def forever() -> None:
        print("READY", flush=True)
        while True:
            await asyncio.gather(*(
                run_experiment(doc, {"riskScore": score}, "crash", store=store, engine=engine,
                               on_event=ack)
                for score in (0.5, 0.9)
            ))

    asyncio.run(forever())


def spawn(db: Path) -> subprocess.Popen[bytes]:
    """A child that imports everything, then waits for a line on stdin before opening the store."""
    return subprocess.Popen([sys.executable, "-m", "tests.hardening.crash_harness", "--child",
                             str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def one_round(proc: subprocess.Popen[bytes], db: Path, delay: float, figures: Figures,
              then: Any = None) -> Any:
    """Let ``proc`` run for ``delay`` s, SIGKILL it, call ``then()`` (spawn the next child,
    which imports while we check) and check the database. Returns what ``then`` returned."""
    from orchestrator_gui.store import Store

    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(b"GO\n")
        proc.stdin.close()
        ready = proc.stdout.readline()
        if ready.strip() != b"READY":
            raise RuntimeError(f"child did not start: {ready!r} {proc.stderr.read()!r}")
        time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        out = proc.stdout.read().decode()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    following = then() if then is not None else None
    figures.kills += 1
    acked: dict[str, dict[str, str]] = {}
    ended: dict[str, str] = {}
    finishing: set[str] = set()  # the store may or may not have committed the end
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "ACK":
            acked.setdefault(parts[1], {})[parts[2]] = parts[3]
        elif len(parts) == 3 and parts[0] == "END":
            ended[parts[1]] = parts[2]
        elif len(parts) == 2 and parts[0] == "FINISHING":
            finishing.add(parts[1])
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if check != "ok":
        figures.problems.append(f"kill {figures.kills}: integrity_check said {check!r}")
    with Store.open(db) as store:
        for run_id, steps in acked.items():
            record = store.get_run(run_id)
            stored = {s["id"]: s["status"] for s in record["steps"]}
            for step_id, status in steps.items():
                figures.acked_steps += 1
                if stored.get(step_id) != status:
                    figures.problems.append(f"kill {figures.kills}: run {run_id} step {step_id} "
                                            f"acked {status}, stored {stored.get(step_id)}")
            expected = {ended.get(run_id, "interrupted")}
            if run_id in finishing and run_id not in ended:
                expected.add("success")  # killed between the store's commit and our END line
            if record["status"] not in expected:
                figures.problems.append(f"kill {figures.kills}: run {run_id} is "
                                        f"{record['status']}, expected {expected}")
            if record["status"] == "interrupted":
                figures.interrupted_runs += 1
            else:
                figures.finished_runs += 1
        for status in ("running", "queued"):
            if left := store.list_runs(status=status, limit=5):
                figures.problems.append(f"kill {figures.kills}: {len(left)} run(s) still {status}")
    return following


def run_harness(db: Path, kills: int = 20, seed: int | None = None) -> Figures:
    """Kill ``kills`` times at seeded random moments; the figures list any problem found."""
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    figures = Figures(seed=seed)
    started = time.perf_counter()
    waiting = collections.deque(spawn(db) for _ in range(min(AHEAD, kills)))
    for number in range(kills):
        delay = rng.uniform(0.0, 0.4)
        figures.delays.append(round(delay, 3))
        more = number + AHEAD < kills
        spawned = one_round(waiting.popleft(), db, delay, figures,
                            then=(lambda: spawn(db)) if more else None)
        if spawned is not None:
            waiting.append(spawned)
    figures.seconds = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", metavar="DB")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    if args.child:
        child_main(args.child)
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        figures = run_harness(Path(args.db or Path(tmp) / "crash.db"), args.kills, args.seed)
    print(f"seed {figures.seed}: {figures.kills} kills in {figures.seconds:.1f} s, "
          f"{figures.acked_steps} acknowledged steps all stored, "
          f"{figures.interrupted_runs} runs interrupted, {figures.finished_runs} finished; "
          f"problems: {len(figures.problems)}")
    for problem in figures.problems:
        print("  " + problem)
    sys.exit(1 if figures.problems else 0)


if __name__ == "__main__":
    main()
