"""What the check at open costs: ``orchestrator history`` on a 1,000-run database, with
the check and without it, as real processes (goal: the check adds at most 10%).

The database is made the way the app makes them: ``Store.open`` and 1,000 runs of the
shipped examples with the built-in presets, recorded through ``run_experiment``. Each
round times one ``orchestrator history`` process with the check and one without (the
same command through a two-line launcher that replaces ``check_file`` with a no-op;
the product has no switch to skip it), alternating which goes first. A figure is the
median of the rounds; the script prints three such ratios and their median. It also
times the check's parts in-process (integrity_check, quick_check, the row read, and
the JSON parsing the check leaves out).

    .venv/bin/python bench/bench_store_check.py [--runs 1000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The launcher: the same command, with the check at open replaced by a no-op.
WITHOUT_CHECK = (
    "import sys; import orchestrator_gui.store.store as s; s.check_file = lambda *a, **k: []; "
    "from orchestrator_gui.cli import main; sys.exit(main(sys.argv[1:]))"
)
WITH_CHECK = "import sys; from orchestrator_gui.cli import main; sys.exit(main(sys.argv[1:]))"


def fill(path: Path, runs: int) -> None:
    from orchestrator_gui import run_experiment
    from orchestrator_gui.core.engine import Engine
    from orchestrator_gui.store import Store
    from orchestrator_gui.store.shipped import builtin_presets

    store = Store.open(path, user="bench")
    try:
        ids = ["risk-assessment", "marketing-campaign", "feature-experiment",
               "compliance-workflow", "data-transformation"]
        experiments = [store.get_experiment(i) for i in ids]
        presets = builtin_presets()
        engine = Engine()

        async def go() -> None:
            for i in range(runs):
                preset = presets[i % len(presets)]
                await run_experiment(experiments[i % len(experiments)], dict(preset.input),
                                     scenario=preset.name, store=store, engine=engine)

        asyncio.run(go())
    finally:
        store.close()


def timed(code: str, db: Path) -> float:
    env = {**os.environ, "ORCHESTRATOR_DB": str(db), "ORCHESTRATOR_USER": "bench"}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "history"], env=env,
                          capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0 or "RUN ID" not in done.stdout:
        raise SystemExit(f"history failed ({done.returncode}): {done.stderr}")
    return elapsed


def one_median(db: Path, rounds: int) -> tuple[float, float]:
    withs, withouts = [], []
    for i in range(rounds):
        pair = [(WITH_CHECK, withs), (WITHOUT_CHECK, withouts)]
        for code, into in (pair if i % 2 == 0 else pair[::-1]):
            into.append(timed(code, db))
    return statistics.median(withs), statistics.median(withouts)


def parts(db: Path) -> None:
    from orchestrator_gui.store.integrity import JSON_COLUMNS, check_file

    conn = sqlite3.connect(db)

    def ms(fn: object, repeat: int = 5) -> float:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples) * 1000

    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]

    def read_all() -> None:
        for t in tables:
            conn.execute(f'SELECT * FROM "{t}"').fetchall()

    def json_valid() -> None:
        for t, cols in JSON_COLUMNS.items():
            cond = " OR ".join(f"NOT json_valid(coalesce({c}, 'null'))" for c in cols)
            conn.execute(f"SELECT count(*) FROM {t} WHERE {cond}").fetchone()

    print(f"\nthe check's parts, in-process (median of 5), file {db.stat().st_size / 1e6:.1f} MB")
    print(f"  check_file (what Store.open runs):  {ms(lambda: check_file(db)):7.1f} ms")
    print(f"  PRAGMA integrity_check:             "
          f"{ms(lambda: conn.execute('PRAGMA integrity_check').fetchall()):7.1f} ms")
    print(f"  PRAGMA quick_check:                 "
          f"{ms(lambda: conn.execute('PRAGMA quick_check').fetchall()):7.1f} ms")
    print(f"  read every row (decodes all text):  {ms(read_all):7.1f} ms")
    print(f"  + parse every JSON text (db check): "
          f"{ms(lambda: check_file(db, parse_json=True)):7.1f} ms (whole db check)")
    print(f"  json_valid() in SQL (not used):     {ms(json_valid):7.1f} ms")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        print(f"filling a store with {args.runs} runs of the shipped examples ...", flush=True)
        t0 = time.perf_counter()
        fill(db, args.runs)
        print(f"  done in {time.perf_counter() - t0:.1f} s, {db.stat().st_size / 1e6:.1f} MB")
        timed(WITH_CHECK, db)  # warm the disk cache and the .pyc files
        ratios = []
        for attempt in range(3):
            with_check, without = one_median(db, args.rounds)
            ratios.append(with_check / without)
            print(f"run {attempt + 1}: orchestrator history with the check "
                  f"{with_check * 1000:7.1f} ms, without {without * 1000:7.1f} ms "
                  f"(medians of {args.rounds}), ratio {with_check / without:.3f}", flush=True)
        print(f"median ratio of 3: {statistics.median(ratios):.3f} (goal <= 1.10)")
        parts(db)
    print(f"\npython {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
