"""Runs that finished but could not be written to history, kept in memory until quit.

When the store's writer cannot commit a run's end (a full disk, a database
that turned read-only), the run's record exists only in this process. The app
must then say so where it cannot be missed, and let the user keep the record:

- :class:`UnsavedRuns` holds each such run's record (bounded: ``MAX_KEPT``,
  the oldest dropped and counted) and writes them all to a JSON file
  (``core.atomic.write_atomic``: the file is whole or absent).
- :class:`UnsavedBar` is a warning strip of its own above the canvas. The
  window's message bar shows one message at a time and the next confirmation
  replaces it; this one stays until the user exports the runs or dismisses it,
  and comes back when another run cannot be saved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.atomic import write_atomic
from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.ui.message_bar import MessageBar

MAX_KEPT = 1000  # a record holds every step's input and output: memory stays bounded


@dataclass(frozen=True)
class UnsavedRun:
    result: RunResult
    experiment: Experiment | dict[str, Any] | None  # as run (a replay's comes as a dict)
    reason: str

    def record(self) -> dict[str, Any]:
        """The record ``orchestrator show`` would print, had the run been stored."""
        snapshot = (self.experiment.to_dict() if isinstance(self.experiment, Experiment)
                    else self.experiment)
        return {**self.result.to_record(), "experiment": snapshot}


class UnsavedRuns(QObject):
    """The session's runs that are not in the history, oldest first."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs: dict[str, UnsavedRun] = {}
        self.dropped = 0  # beyond MAX_KEPT: their records are gone, and the warning says so
        self.added = 0  # ever: a run added after the warning was dismissed shows it again

    def add(self, result: RunResult, experiment: Experiment | dict[str, Any] | None,
            reason: str) -> None:
        self.runs[result.run_id] = UnsavedRun(result, experiment, reason)
        self.added += 1
        while len(self.runs) > MAX_KEPT:
            del self.runs[next(iter(self.runs))]
            self.dropped += 1
        self.changed.emit()

    def forget(self, run_id: str) -> None:
        if self.runs.pop(run_id, None) is not None:
            self.changed.emit()

    def get(self, run_id: str) -> UnsavedRun | None:
        return self.runs.get(run_id)

    def of_experiment(self, experiment_id: str | None) -> list[UnsavedRun]:
        return [run for run in self.runs.values() if run.result.experiment_id == experiment_id]

    def records(self) -> list[dict[str, Any]]:
        return [run.record() for run in self.runs.values()]

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write every kept record, as a JSON list, atomically; ``OSError`` if it cannot."""
        text = jsonio.dumps_pretty(self.records()) + "\n"
        return write_atomic(path, text)

    def warning_text(self) -> str:
        count = len(self.runs)
        if not count:
            return ""
        last = next(reversed(self.runs.values()))
        runs = "1 run" if count == 1 else f"{count} runs"
        lost = (f" ({self.dropped} older one{'s' * (self.dropped != 1)} could not be kept)"
                if self.dropped else "")
        return (f"⚠ {runs} finished but {'was' if count == 1 else 'were'} NOT saved to history: "
                f"{last.reason}{lost}. Their results are kept only until you quit: export "
                "them, then free disk space or make the database writable.")


class UnsavedBar(MessageBar):
    """The persistent warning about :class:`UnsavedRuns` (see the module docstring)."""

    def __init__(self, runs: UnsavedRuns, export: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unsavedRunsBar")
        self.setAccessibleName("Runs not saved")
        self._runs = runs
        self._export = export
        self._dismissed = 0  # ``runs.added`` when dismissed: a later run shows it again
        runs.changed.connect(self.sync)

    def sync(self) -> None:
        if not self._runs.runs:
            super().clear()
        elif self._runs.added > self._dismissed or not self.isHidden():
            self.show_message(self._runs.warning_text(), "warning",
                              action=("Export unsaved runs…", self._export))

    def clear(self) -> None:
        """Dismissed (the ✕) or resolved (exported): hidden until another run is not saved;
        the records stay exportable from the File menu."""
        self._dismissed = self._runs.added
        super().clear()
