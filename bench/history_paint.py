"""The history table's full repaint: this checkout's panel vs another checkout's, alternated.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/history_paint.py BASE [WIDTH]``
where BASE is another checkout (e.g. ``git worktree add /tmp/base <commit>``). Both panels
live in one process, themed as the app is, and are repainted in turns (20 x 30 repaints
each, the UI thread's CPU time), so the machine's noise falls on both alike: read the
ratio. Ten runs starting put ten rows at the top and the whole table is painted again
while they go (docs/benchmarks.md, issue 5, "Session 9").
"""

from __future__ import annotations

import importlib.util
import pathlib
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

STATUSES = ("success", "error", "filtered", "cancelled", "running", "interrupted")


def load_panel_module(checkout: pathlib.Path) -> ModuleType:
    """``checkout``'s history module, loaded beside this checkout's (the rest is shared)."""
    spec = importlib.util.spec_from_file_location(
        "history_base", checkout / "orchestrator_gui/ui/panels/history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def runs(count: int) -> list[Any]:
    from orchestrator_gui.store.models import RunSummary

    begun = datetime(2026, 11, 1, tzinfo=UTC)
    return [RunSummary(f"r{i:05}", "e", "E", "High Risk" if i % 4 else "Happy Path",
                       STATUSES[i % len(STATUSES)], begun + timedelta(seconds=i),
                       begun + timedelta(seconds=i, milliseconds=40), 40.0 + i * 97 % 3000)
            for i in range(count, 0, -1)]


def repaint_ms(panel: Any, times: int = 30) -> float:
    viewport = panel.table.viewport()
    for _ in range(3):
        viewport.repaint()
    spent = []
    for _ in range(times):
        c0 = time.thread_time()
        viewport.repaint()
        spent.append(time.thread_time() - c0)
    return statistics.median(spent) * 1000


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from orchestrator_gui.ui.panels import history
    from orchestrator_gui.ui.style import apply_theme

    apply_theme(app)
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 420
    panels = {}
    for name, module in (("base", load_panel_module(pathlib.Path(sys.argv[1]))),
                         ("ours", history)):
        panel = module.HistoryPanel(None)
        panel.model.set_runs(runs(300))
        panel.resize(width, 800)
        panel.show()
        panels[name] = panel
    for _ in range(5):
        app.processEvents()
    medians: dict[str, list[float]] = {name: [] for name in panels}
    for _ in range(20):
        for name, panel in panels.items():
            medians[name].append(repaint_ms(panel))
    rows = panels["ours"].table.viewport().height() // panels["ours"].table.rowHeight(0)
    for name, values in medians.items():
        print(f"{name}: full repaint of {rows} rows x 4 columns, {width} px wide: median "
              f"{statistics.median(values):.2f} ms (20 medians {min(values):.2f}-"
              f"{max(values):.2f} ms)")
    ratio = statistics.median(medians["ours"]) / statistics.median(medians["base"])
    print(f"ours / base: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
