"""Switch parts of the run experience off, to find which one makes the window late.

A diagnostic for ``bench_run_ui.py --without PART[,PART...]`` (issue 5): each
part is a reaction of the window to run events, removed by replacing its
handler before the window is built. The runs themselves are untouched, so
what remains is the engine stepping ten runs on the UI thread.

Parts: ``animation`` (the overlay's 30 fps tick: data dots, glow pulse),
``marks`` (badges, glow and data path on step events; without them the
animation never starts), ``progress`` (the status-bar line), ``log`` (the log
panel), ``history`` (rows updated as runs are stored), ``inspector`` (the
selected node's data on step events), ``store`` (no run history written at
all: no writer thread, no UI-thread GC timer). ``ui`` is every part but
``store``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UI_PARTS = ("animation", "marks", "progress", "log", "history", "inspector")


def _animation() -> None:
    from orchestrator_gui.ui.canvas.run_overlay import RunOverlay

    RunOverlay._tick = lambda self: None  # type: ignore[method-assign]


def _marks() -> None:
    from orchestrator_gui.ui.canvas.run_overlay import RunOverlay

    RunOverlay.on_step_started = lambda self, event: None  # type: ignore[method-assign]
    RunOverlay.on_step_finished = lambda self, event: None  # type: ignore[method-assign]


def _progress() -> None:
    from orchestrator_gui.ui.run_controller import RunController

    RunController._report = lambda self: None  # type: ignore[method-assign]


def _log() -> None:
    from orchestrator_gui.ui.panels.log_panel import LogPanel

    LogPanel.on_event = lambda self, event: None  # type: ignore[method-assign]


def _history() -> None:
    from orchestrator_gui.ui.panels.history import HistoryPanel

    HistoryPanel.on_run_stored = lambda self, event: None  # type: ignore[method-assign]


def _inspector() -> None:
    from orchestrator_gui.ui.run_wiring import RunExperience

    RunExperience._on_step_event = lambda self, event: None  # type: ignore[method-assign]


def _store() -> None:
    from orchestrator_gui.ui.run_controller import RunController

    init = RunController.__init__

    def without_store(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self._store = None

    RunController.__init__ = without_store  # type: ignore[method-assign]


SWITCHES: dict[str, Callable[[], None]] = {
    "animation": _animation, "marks": _marks, "progress": _progress, "log": _log,
    "history": _history, "inspector": _inspector, "store": _store,
}


def switch_off(spec: str) -> list[str]:
    """Switch off the comma-separated parts in ``spec`` (``ui`` = all UI parts); their names."""
    names: list[str] = []
    for name in filter(None, (part.strip() for part in spec.split(","))):
        names.extend(UI_PARTS if name == "ui" else [name])
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(unknown)}; known: ui, "
                         f"{', '.join(SWITCHES)}")
    for name in names:
        SWITCHES[name]()
    return names
