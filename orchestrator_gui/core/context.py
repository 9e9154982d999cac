"""What a step handler is given besides its step: ``ctx``.

``ctx.input`` is the handler's own copy of its input: it may change it and
return it, and no other step sees the change. Earlier outputs are decoded
fresh from the engine's snapshots on each access, for the same reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from orchestrator_gui.core import jsonio, known_secrets
from orchestrator_gui.core.result import utc_now
from orchestrator_gui.core.settings import AppSettings
from orchestrator_gui.core.status import StepStatus

if TYPE_CHECKING:
    from orchestrator_gui.core.document import Experiment, Step
    from orchestrator_gui.core.replay import Replay
    from orchestrator_gui.core.result import RunResult, StepResult

_py_log = logging.getLogger("orchestrator_gui.steps")
_NOT_ENDED = (StepStatus.PENDING, StepStatus.RUNNING, StepStatus.SKIPPED)


@dataclass(frozen=True)
class RunInfo:
    """The run's metadata, as a handler sees it."""

    run_id: str
    experiment_id: str
    experiment_name: str
    scenario: str | None
    dry_run: bool
    started_at: datetime


class StepLogger:
    """Log lines a step writes: kept in its record and streamed as ``StepLog`` events.

    Known secret values are replaced first (core/known_secrets.py), whatever
    the handler wrote: a step log is part of the run record.
    """

    def __init__(self, step: StepResult, emit: Callable[[str, str], None]) -> None:
        self._step = step
        self._emit = emit

    def log(self, level: str, message: str) -> None:
        message = known_secrets.scrub_known(message)
        moment = utc_now()
        self._step.logs.append(
            {"time": moment.isoformat().replace("+00:00", "Z"), "level": level, "message": message}
        )
        _py_log.log(logging.getLevelName(level.upper()), "%s: %s", self._step.id, message)
        self._emit(level, message)

    def debug(self, message: str) -> None:
        self.log("debug", message)

    def info(self, message: str) -> None:
        self.log("info", message)

    def warning(self, message: str) -> None:
        self.log("warning", message)

    def error(self, message: str) -> None:
        self.log("error", message)


class _Outputs(Mapping[str, Any]):
    """Earlier steps' outputs by step id, each access a fresh copy."""

    def __init__(self, run: RunResult) -> None:
        self._run = run

    def __getitem__(self, step_id: str) -> Any:
        for step in self._run.steps:
            if step.id == step_id and step.output_json is not None:
                return jsonio.loads_trusted(step.output_json)
        raise KeyError(step_id)

    def __iter__(self) -> Any:
        return (s.id for s in self._run.steps if s.output_json is not None)

    def __len__(self) -> int:
        return sum(1 for s in self._run.steps if s.output_json is not None)


class StepContext:
    """Everything a handler may use: its input, config, the run, earlier outputs, a logger."""

    def __init__(
        self,
        *,
        step: Step,
        config: Any,
        input: dict[str, Any],
        run: RunInfo,
        result: RunResult,
        experiment: Experiment,
        log: StepLogger,
        deadline: float,
        clock: Callable[[], float] = time.monotonic,
        replay: Replay | None = None,
        record: StepResult | None = None,
        settings: AppSettings | None = None,
        max_payload_bytes: int = jsonio.DEFAULT_MAX_BYTES,
    ) -> None:
        self.step = step
        self.config = config
        self.input = input
        self.run = run
        self.experiment = experiment
        self.log = log
        self.outputs: Mapping[str, Any] = _Outputs(result)
        self._result = result
        self._deadline = deadline
        self._clock = clock
        self._replay = replay
        self.settings = settings or AppSettings()
        # what a step may build from its input (a rendered prompt, a resolved header) is
        # held to the same limit as its output
        self.max_payload_bytes = max_payload_bytes
        self._record = record
        self.filtered = False

    @property
    def replaying(self) -> bool:
        """True when external calls are answered from an earlier run's recording."""
        return self._replay is not None

    async def external(
        self, kind: str, request: dict[str, Any], call: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Make a call to the outside world, recorded; in a replay, answer from the recording.

        ``request`` is what the record shows of the call (redact secrets before
        passing it); ``call`` performs it and returns a JSON-able answer. Both
        end up in the step's record under ``external``.
        """
        if self._replay is not None:
            response = self._replay.take(self.step.id, kind)["response"]
            self._remember({"kind": kind, "request": request, "response": response,
                            "replayed": True})
            return response
        response = await call()
        self._remember({"kind": kind, "request": request, "response": response})
        return response

    def _remember(self, entry: dict[str, Any]) -> None:
        if self._record is not None:
            self._record.extra.setdefault("external", []).append(entry)

    @property
    def step_durations_ms(self) -> dict[str, float]:
        """Durations of the steps that finished before this one, by step id."""
        return {
            s.id: s.duration_ms
            for s in self._result.steps
            if s.duration_ms is not None and s.status not in _NOT_ENDED
        }

    def remaining_seconds(self) -> float:
        """Time left before this step's limit (its own or the run's, whichever is first)."""
        return max(0.0, self._deadline - self._clock())

    def filter_out(self) -> None:
        """End the run as ``filtered`` after this step (which still succeeds)."""
        self.filtered = True
