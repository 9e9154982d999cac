"""How fast each bad document is refused (issue 7: under 5 ms each), against loading a good one.

Every file of tests/hardening/corpus plus the generated multi-MB ones is
loaded from disk through ``load_experiment`` (median of 9); the baseline is
loading a valid experiment file of the same kind in the same run.

    .venv/bin/python -m bench.bench_corpus
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import median_of, report
from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.core.registry import default_registry
from tests.hardening.corpus_gen import CORPUS, GOOD, padded, write_large


def refuse(path: Path) -> None:
    try:
        load_experiment(path)
    except ExperimentError:
        return
    raise AssertionError(f"{path.name} was accepted")


def main() -> None:
    default_registry()  # entry points discovered once, as in the app
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good = folder / "good.json"
        good.write_bytes(GOOD)
        baseline = median_of(lambda: load_experiment(good), repeat=9)
        same_size = folder / "good-5mb.json"
        same_size.write_bytes(padded(5 * 1024 * 1024 + 200))
        valid_5mb = median_of(lambda: load_experiment(same_size), repeat=9)
        files = sorted(CORPUS.glob("*.json")) + write_large(folder)
        times = {p.name: median_of(lambda p=p: refuse(p), repeat=9) for p in files}  # type: ignore[misc]
    for name, seconds in sorted(times.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name}: {seconds * 1e3:.3f} ms")
    worst = max(times.values())
    under = sum(t < 0.005 for t in times.values())
    print(f"{len(times)} files refused; {under} under 5 ms; median "
          f"{sorted(times.values())[len(times) // 2] * 1e3:.3f} ms")
    report("slowest refusal vs loading a good file", worst, baseline, "< 5 ms absolute")
    report("5 MB-name refusal vs loading a valid 5 MB document", times["huge-name-5mb.json"],
           valid_5mb, "<= 1x: refusing costs no more than parsing")


if __name__ == "__main__":
    main()
