"""The run on screen: one owner, one read API whether it is live or stored.

Why it exists: a run reaches the window in two shapes, a live ``RunResult``
(updated in place while it goes) and a stored record (the camelCase dict of
store/runs.py and ``RunResult.to_record``: ``runId``, ``startedAt``,
``durationMs``...). Panels used to read both, and four objects each kept a
piece of "which run is shown". Now:

- :class:`RunView` is the read API: ``run_id``, ``experiment_id``, ``status``,
  ``dry_run``, ``scenario``, ``started_at``, ``input``, ``experiment`` (the
  snapshot it ran), ``steps()`` and ``step(id)`` giving :class:`StepView`
  (``status``, ``duration_ms``, ``input``, ``output``, ``error``, ``logs``...).
  :func:`view_of` wraps either shape; :class:`StoredRun` is the one place in
  the app that reads a record's keys. A view is made once per run shown,
  never per event: a live view reads the ``RunResult`` it wraps.
- :class:`ShownRun` (one per window, made by the ``RunController``, reached as
  ``RunExperience.shown``) owns which run that is: the live run the window
  follows (its step events are the only ones the bridge passes on, see
  ui/bridge.py), or a stored run picked in History; and the experiment whose
  runs the window shows. Subscribe to ``ShownRun.changed`` to hear that a
  different run is shown (or none), then read ``shown.view``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from orchestrator_gui.core.result import RunResult, StepResult, iso


@dataclass(frozen=True)
class StepView:
    """One step of the shown run, as the inspector and the canvas read it."""

    id: str
    type: str = ""
    name: str = ""
    status: str = "pending"
    duration_ms: float | None = None
    input: Any = None
    output: Any = None
    error: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of_live(cls, step: StepResult) -> StepView:
        return cls(step.id, step.type, step.name, step.status, step.duration_ms, step.input,
                   step.output, step.error, list(step.logs))

    @classmethod
    def of_record(cls, record: dict[str, Any]) -> StepView:
        return cls(str(record.get("id", "")), str(record.get("type", "")),
                   str(record.get("name", "")), str(record.get("status", "pending")),
                   record.get("durationMs"), record.get("input"), record.get("output"),
                   record.get("error"), list(record.get("logs") or []))


class RunView:
    """A run as panels read it (see the module docstring); ``live`` is its ``RunResult``
    while it is a live one, else None."""

    run_id: str
    live: RunResult | None = None

    @property
    def experiment_id(self) -> str | None:
        raise NotImplementedError

    @property
    def status(self) -> str:
        raise NotImplementedError

    @property
    def dry_run(self) -> bool:
        raise NotImplementedError

    @property
    def scenario(self) -> str | None:
        raise NotImplementedError

    @property
    def started_at(self) -> str:
        """ISO 8601 UTC (``2026-11-26T14:19:07...``), or "" before it starts."""
        raise NotImplementedError

    @property
    def input(self) -> Any:
        raise NotImplementedError

    @property
    def experiment(self) -> dict[str, Any] | None:
        """The experiment as it was when the run started (stored runs), else None."""
        return None

    def steps(self) -> list[StepView]:
        raise NotImplementedError

    def step(self, step_id: str) -> StepView | None:
        raise NotImplementedError


class LiveRun(RunView):
    """A run going (or just ended) in this window: reads its ``RunResult`` as it changes."""

    def __init__(self, run: RunResult) -> None:
        self.live = self.run = run
        self.run_id = run.run_id

    @property
    def experiment_id(self) -> str | None:
        return self.run.experiment_id

    @property
    def status(self) -> str:
        return self.run.status

    @property
    def dry_run(self) -> bool:
        return self.run.dry_run

    @property
    def scenario(self) -> str | None:
        return self.run.scenario

    @property
    def started_at(self) -> str:
        return iso(self.run.started_at) or ""

    @property
    def input(self) -> Any:
        return self.run.input

    def steps(self) -> list[StepView]:
        return [StepView.of_live(step) for step in self.run.steps]

    def step(self, step_id: str) -> StepView | None:
        try:
            return StepView.of_live(self.run.step(step_id))
        except KeyError:
            return None


class StoredRun(RunView):
    """A run record (store/runs.py, or an unsaved run's): the app's one reader of its keys."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.run_id = str(record.get("runId", ""))

    @property
    def experiment_id(self) -> str | None:
        value = self.record.get("experimentId")
        return str(value) if value else None

    @property
    def status(self) -> str:
        return str(self.record.get("status", ""))

    @property
    def dry_run(self) -> bool:
        return bool(self.record.get("dryRun"))

    @property
    def scenario(self) -> str | None:
        value = self.record.get("scenario")
        return str(value) if value else None

    @property
    def started_at(self) -> str:
        return str(self.record.get("startedAt") or "")

    @property
    def input(self) -> Any:
        return self.record.get("input")

    @property
    def experiment(self) -> dict[str, Any] | None:
        snapshot = self.record.get("experiment")
        return snapshot if isinstance(snapshot, dict) else None

    def steps(self) -> list[StepView]:
        return [StepView.of_record(step) for step in self.record.get("steps", [])]

    def step(self, step_id: str) -> StepView | None:
        for step in self.record.get("steps", []):
            if step.get("id") == step_id:
                return StepView.of_record(step)
        return None


def view_of(run: RunResult | dict[str, Any]) -> RunView:
    """The read API over a live run or a stored record."""
    return LiveRun(run) if isinstance(run, RunResult) else StoredRun(run)


class ShownRun(QObject):
    """Which run the window shows (see the module docstring); ``changed`` when another is."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view: RunView | None = None
        # the followed live run's id: read for every step event (ui/bridge.py), so kept
        # as a plain attribute rather than computed
        self.live_id: str | None = None
        self.experiment_id: str | None = None  # whose runs the window shows (the canvas's)

    @property
    def live(self) -> RunResult | None:
        """The live run followed, or None (none, or a stored one shown)."""
        return self.view.live if self.view is not None else None

    @property
    def live_going(self) -> bool:
        live = self.live
        return live is not None and not live.finished

    def follow(self, run: RunResult | None) -> None:
        """Show a live run (or none) from now on."""
        self.view = LiveRun(run) if run is not None else None
        self.live_id = run.run_id if run is not None else None
        self.changed.emit()

    def show_stored(self, record: dict[str, Any]) -> StoredRun:
        """Show a stored run (no live one is followed while it is shown)."""
        view = StoredRun(record)
        self.view, self.live_id = view, None
        self.changed.emit()
        return view

    def show_experiment(self, experiment_id: str | None) -> bool:
        """Show the runs of ``experiment_id`` from now on; True when that is a change."""
        if experiment_id == self.experiment_id:
            return False
        self.experiment_id = experiment_id
        return True
