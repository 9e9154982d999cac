"""The runner (docs/format.md, "Runs"): order, limits, time limits, cancellation, events.

A run is one asyncio task. Steps run in the order ``core/topology.py`` gives
(today: list order). One watchdog timer per run (:class:`_Watchdog`) ends the
step in flight at the earlier of its own limit and the run's. Every
step's input and output is snapshotted as compact JSON bytes: that one
serialisation is also the payload-size check, the record the store writes,
and (decoded again) the next handler's private copy of its input, so that no
handler can change what another step received.

At most ``Limits.max_concurrent_runs`` runs go at once per event loop; the
rest wait as ``queued``. The engine imports no Qt: the same code runs under
``asyncio.run`` (CLI, tests) and under qasync (the desktop app).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, replace
from typing import Any

from orchestrator_gui.core import jsonio, known_secrets, topology
from orchestrator_gui.core.context import RunInfo, StepContext, StepLogger
from orchestrator_gui.core.document import Experiment, Source, Step, load_experiment
from orchestrator_gui.core.errors import (
    InputError,
    InvalidOutput,
    PayloadTooLarge,
    RunTimeout,
    StepTimeout,
)
from orchestrator_gui.core.events import (
    Listener,
    RunFinished,
    RunQueued,
    RunStarted,
    StepFinished,
    StepLog,
    StepStarted,
)
from orchestrator_gui.core.registry import Handler, StepRegistry, default_registry
from orchestrator_gui.core.replay import Replay
from orchestrator_gui.core.result import RunResult, StepResult, utc_now
from orchestrator_gui.core.saving import SaveWatch
from orchestrator_gui.core.settings import AppSettings
from orchestrator_gui.core.status import GOOD_RUN_STATUSES, RunStatus, StepStatus

# Bound once for the per-step path: reading a member off an Enum class costs ~0.15 µs.
_STEP_RUNNING, _STEP_SUCCESS = StepStatus.RUNNING, StepStatus.SUCCESS
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """The app's limits. An experiment's ``settings`` may lower the time limits, never raise
    them past these; a step's own ``timeoutSeconds`` likewise."""

    max_steps: int = 50
    step_timeout_seconds: float = 30.0
    run_timeout_seconds: float = 60.0
    max_payload_bytes: int = jsonio.DEFAULT_MAX_BYTES
    max_concurrent_runs: int = 10

    @classmethod
    def from_settings(cls, settings: AppSettings) -> Limits:
        own = settings.limits
        return cls(
            step_timeout_seconds=own.step_timeout_seconds,
            run_timeout_seconds=own.run_timeout_seconds,
            max_payload_bytes=own.max_payload_bytes,
            max_concurrent_runs=own.max_concurrent_runs,
        )

    def step_limit(self, experiment: Experiment, step_timeout: float | None) -> float:
        settings = experiment.settings
        wanted = step_timeout or (settings and settings.step_timeout_seconds)
        return min(wanted or self.step_timeout_seconds, self.step_timeout_seconds)

    def run_limit(self, experiment: Experiment) -> float:
        settings = experiment.settings
        wanted = settings.max_duration_seconds if settings else None
        return min(wanted or self.run_timeout_seconds, self.run_timeout_seconds)


# --- the run input -----------------------------------------------------------


def prepare_input(value: Any, limits: Limits | None = None) -> bytes:
    """Check a run input and return it as compact JSON bytes, or raise ``InputError``.

    Accepts a dict, or JSON text/bytes. The limit is on compact bytes: text
    far over it is refused from a byte count alone, before it is parsed. A
    number JSON cannot keep exactly (a whole number beyond 64 bits, NaN) is
    refused naming its path.
    """
    limit = (limits or Limits()).max_payload_bytes
    if isinstance(value, str | bytes):
        raw = value.encode("utf-8") if isinstance(value, str) else value
        try:
            value = jsonio.parse_json(raw, what="the run input", max_bytes=limit)
        except jsonio.JSONProblem as exc:
            raise InputError(str(exc)) from None
    if not isinstance(value, dict):
        raise InputError(f"the run input must be a JSON object, not {type(value).__name__}")
    try:
        data = jsonio.dumps_exact(value, what="the run input")
    except jsonio.NumberProblem as exc:
        raise InputError(str(exc)) from None
    except TypeError as exc:
        raise InputError(f"the run input is not JSON: {exc}") from None
    _refuse_if_over(len(data), limit)
    return data


def _refuse_if_over(size: int, limit: int) -> None:
    if size > limit:
        raise InputError(jsonio.over_compact_limit("the run input", size, limit))


# --- runs ----------------------------------------------------------------------


class RunHandle:
    """A run in flight: its live ``result``, ``cancel()``, and ``await handle`` for the end."""

    def __init__(self, result: RunResult, task: asyncio.Task[RunResult]) -> None:
        self.result = result
        self.task = task
        self.cancel_requested = False

    @property
    def run_id(self) -> str:
        return self.result.run_id

    def cancel(self) -> bool:
        """Stop the run: the running step ends ``cancelled``, the rest ``skipped``."""
        if self.task.done():
            return False
        self.cancel_requested = True
        self.task.cancel()
        return True

    def __await__(self) -> Generator[Any, None, RunResult]:
        return asyncio.shield(self.task).__await__()


class Engine:
    """Starts runs and holds the app-wide limits and listeners."""

    def __init__(
        self,
        limits: Limits | None = None,
        registry: StepRegistry | None = None,
        settings: AppSettings | None = None,
        yield_between_steps: bool = False,
    ) -> None:
        """``yield_between_steps``: give the event loop a turn as each step starts, so that
        nothing else waits for more than one step of one run. The desktop app sets it:
        its loop is the window's, and ten runs stepping in lockstep otherwise hand the loop
        back only after each has finished one step and started the next (with the
        window's reactions to both), a wave a due timer waits out (docs/architecture.md,
        UI rule 1). Headless runs leave it off: a turn costs ~4 µs a step on asyncio's own
        loop (23 -> 27 µs a step for a 50-step pipeline of transforms)."""
        self.yield_between_steps = yield_between_steps
        self.settings = settings or AppSettings()
        self.limits = limits or Limits.from_settings(self.settings)
        self._registry = registry
        self._listeners: list[Listener] = []
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self.active: dict[str, RunHandle] = {}

    @property
    def registry(self) -> StepRegistry:
        return self._registry or default_registry()

    def apply_settings(self, settings: AppSettings) -> None:
        """Use new settings (the app saved them) for runs started from now on.

        Runs already going keep the limits and settings they started with; runs
        waiting for a slot keep waiting on the old concurrency limit.
        """
        concurrency = self.limits.max_concurrent_runs
        self.settings = settings
        self.limits = replace(Limits.from_settings(settings), max_steps=self.limits.max_steps)
        if self.limits.max_concurrent_runs != concurrency:
            self._slots = weakref.WeakKeyDictionary()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` for every event of every run; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def start(
        self,
        experiment: Experiment | Source,
        input: Any,
        *,
        scenario: str | None = None,
        dry_run: bool = False,
        listeners: Iterable[Listener] = (),
        run_id: str | None = None,
        replay: Replay | None = None,
    ) -> RunHandle:
        """Check the experiment and input, then start the run as a task (needs a running loop).

        Raises ``ExperimentError`` or ``InputError`` before anything runs.
        """
        if not isinstance(experiment, Experiment):
            experiment = load_experiment(experiment, registry=self.registry)
        if len(experiment.steps) > self.limits.max_steps:
            raise InputError(
                f"the experiment has {len(experiment.steps)} steps, over the limit of "
                f"{self.limits.max_steps}"
            )
        registry = self.registry
        ordered = topology.run_order(experiment.steps)
        plan = [
            (step, experiment.config_of(step, registry), registry.get(step.type).handler)
            for step in ordered
        ]
        input_json = prepare_input(input, self.limits)
        result = RunResult(
            run_id=run_id or uuid.uuid4().hex,
            experiment_id=experiment.id,
            experiment_name=experiment.name,
            scenario=scenario,
            dry_run=dry_run,
            input_json=input_json,
            steps=[StepResult(id=s.id, type=s.type, name=s.name) for s in ordered],
        )
        if replay is not None:
            result.replay_of = replay.run_id
        run = _Run(self, experiment, plan, result, [*self._listeners, *listeners])
        run.replay = replay
        task = asyncio.get_running_loop().create_task(run.main(), name=f"run-{result.run_id}")
        handle = RunHandle(result, task)
        run.handle = handle
        self.active[result.run_id] = handle
        task.add_done_callback(lambda _t: self.active.pop(result.run_id, None))
        return handle

    def slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._slots.get(loop)
        if sem is None:
            sem = self._slots[loop] = asyncio.Semaphore(self.limits.max_concurrent_runs)
        return sem


class _Run:
    """One run's execution; lives only while its task does."""

    def __init__(
        self,
        engine: Engine,
        experiment: Experiment,
        plan: list[tuple[Step, Any, Handler]],
        result: RunResult,
        listeners: list[Listener],
    ) -> None:
        self.engine = engine
        self.experiment = experiment
        self.plan = plan
        self.result = result
        self.listeners = listeners
        self.handle: RunHandle | None = None
        self.replay: Replay | None = None
        # taken when the run is created: new settings apply to later runs only
        self.limits = engine.limits
        self.settings = engine.settings

    def emit(self, event: Any) -> None:
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                log.exception("run event listener %r failed on %s", listener, type(event).__name__)

    async def main(self) -> RunResult:
        result = self.result
        slot = self.engine.slot()
        try:
            if slot.locked() and self.listeners:
                self.emit(RunQueued(result.run_id, result.experiment_id, result, self.experiment))
            async with slot:
                await self._execute()
        except asyncio.CancelledError:
            if result.status == RunStatus.QUEUED:  # cancelled before it could start
                self._finish_unstarted()
            if not (self.handle and self.handle.cancel_requested):
                raise
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
        return result

    def _finish_unstarted(self) -> None:
        result = self.result
        for step in result.steps:
            step.status = StepStatus.SKIPPED
        result.status = RunStatus.CANCELLED
        result.finished_at = utc_now()
        result.error = {"type": "Cancelled", "message": "cancelled while queued"}
        self.emit(RunFinished(result.run_id, result.status, None, result))

    async def _execute(self) -> None:
        result, limits, experiment = self.result, self.limits, self.experiment
        loop = asyncio.get_running_loop()
        result.status = RunStatus.RUNNING
        result.started_at = utc_now()
        run_t0 = time.perf_counter()
        run_limit = limits.run_limit(experiment)
        run_deadline = loop.time() + run_limit
        info = RunInfo(
            run_id=result.run_id,
            experiment_id=result.experiment_id,
            experiment_name=result.experiment_name,
            scenario=result.scenario,
            dry_run=result.dry_run,
            started_at=result.started_at,
        )
        if self.listeners:
            self.emit(RunStarted(result.run_id, result.experiment_id, len(result.steps), result,
                                 experiment))

        data_json = result.input_json
        assert data_json is not None
        final_status = RunStatus.SUCCESS
        last = len(self.plan) - 1
        index = 0
        watchdog = _Watchdog(loop)
        try:
            for index, (step, config, handler) in enumerate(self.plan):
                record = result.steps[index]
                record.status = _STEP_RUNNING
                record.started_at = utc_now()
                record.input_json = data_json
                if self.listeners:
                    self.emit(StepStarted(result.run_id, index, step.id, record))
                if self.engine.yield_between_steps:
                    # after the step's start, so that one step's end and the next one's
                    # start reach the window in the same turn (one repaint, not two)
                    try:
                        await asyncio.sleep(0)
                    except asyncio.CancelledError:  # cancelled between two steps: in this one
                        self._end_cancelled(index, record, time.perf_counter())
                        final_status = RunStatus.CANCELLED
                        raise
                step_limit = limits.step_limit(experiment, step.timeout_seconds)
                now = loop.time()
                run_bound = run_deadline < now + step_limit
                deadline = run_deadline if run_bound else now + step_limit
                ctx = StepContext(
                    step=step,
                    config=config,
                    input=jsonio.loads_trusted(data_json),
                    run=info,
                    result=result,
                    experiment=experiment,
                    log=StepLogger(record, self._log_emitter(step.id)),
                    deadline=deadline,
                    clock=loop.time,
                    replay=self.replay,
                    record=record,
                    settings=self.settings,
                    max_payload_bytes=limits.max_payload_bytes,
                )
                t0 = time.perf_counter()
                watchdog.arm(deadline)
                try:
                    try:
                        output = await handler(step, ctx)
                        if watchdog.expired:  # the handler swallowed our cancellation
                            raise asyncio.CancelledError
                    except asyncio.CancelledError:
                        if not watchdog.expired:
                            raise
                        _uncancel(watchdog.cancels_sent)
                        raise self._timeout(step.id, step_limit, run_limit, run_bound) from None
                    except Exception as exc:
                        if watchdog.expired:
                            _uncancel(watchdog.cancels_sent)
                        # An HTTP timeout firing together with the step's limit is the limit.
                        if watchdog.expired or loop.time() >= deadline - 0.005:
                            raise self._timeout(step.id, step_limit, run_limit, run_bound) from exc
                        raise
                    finally:
                        watchdog.disarm()
                    data_json = self._check_output(output)
                except asyncio.CancelledError:
                    self._end_cancelled(index, record, t0)
                    final_status = RunStatus.CANCELLED
                    raise
                except (StepTimeout, RunTimeout) as exc:
                    self._end_step(index, record, t0, StepStatus.TIMEOUT, _error_of(exc))
                    final_status = RunStatus.TIMEOUT
                    break
                except Exception as exc:
                    log.error("step %s (%s) failed", step.id, step.type, exc_info=exc)
                    self._end_step(index, record, t0, StepStatus.ERROR, _error_of(exc))
                    final_status = RunStatus.ERROR
                    break
                except BaseException as exc:  # SystemExit, KeyboardInterrupt: the program is stopping
                    self._end_step(index, record, t0, StepStatus.CANCELLED, _error_of(exc))
                    final_status = RunStatus.INTERRUPTED
                    raise
                record.output_json = data_json
                self._end_step(index, record, t0, _STEP_SUCCESS, None)
                if ctx.filtered:
                    final_status = RunStatus.FILTERED
                    break
                if index == last:
                    break
        finally:
            watchdog.close()
            self._finish(final_status, index, data_json, run_t0)

    def _log_emitter(self, step_id: str) -> Callable[[str, str], None]:
        run_id = self.result.run_id

        def emit(level: str, message: str) -> None:
            if self.listeners:
                self.emit(StepLog(run_id, step_id, utc_now(), level, message))

        return emit

    def _timeout(
        self, step_id: str, step_limit: float, run_limit: float, run_bound: bool
    ) -> Exception:
        if run_bound:
            return RunTimeout(
                f"the run exceeded its time limit of {run_limit:g} s while step {step_id!r} "
                "was running"
            )
        return StepTimeout(f"step {step_id!r} exceeded its time limit of {step_limit:g} s")

    def _check_output(self, output: Any) -> bytes:
        if not isinstance(output, dict):
            raise InvalidOutput(
                f"the step returned {type(output).__name__}, expected a JSON object (a dict)"
            )
        try:
            data = jsonio.dumps_exact(output, what="the step's output")
        except jsonio.NumberProblem as exc:
            raise InvalidOutput(str(exc)) from None
        except TypeError as exc:
            raise InvalidOutput(f"the step's output is not JSON: {exc}") from None
        limit = self.limits.max_payload_bytes
        if len(data) > limit:
            raise PayloadTooLarge(
                f"the step's output is {jsonio.human_size(len(data))}, over the limit of "
                f"{jsonio.human_size(limit)}"
            )
        return known_secrets.scrub_known_json(data)  # a step may pass on what a server echoed

    def _end_step(
        self, index: int, record: StepResult, t0: float, status: StepStatus,
        error: dict[str, Any] | None,
    ) -> None:
        record.duration_ms = round((time.perf_counter() - t0) * 1000, 3)
        record.finished_at = utc_now()
        record.status = status
        record.error = error
        if record.extra:  # what external calls recorded (core/context.py ``external``)
            record.extra = known_secrets.scrub_known(record.extra)
        if error is not None:
            record.logs.append(
                {"time": record.finished_at.isoformat().replace("+00:00", "Z"),
                 "level": "error", "message": f"{error['type']}: {error['message']}"}
            )
        if self.listeners:
            self.emit(
                StepFinished(self.result.run_id, index, record.id, status, record.duration_ms,
                             record)
            )

    def _end_cancelled(self, index: int, record: StepResult, t0: float) -> None:
        """The step the run was cancelled in (or just before) ends ``cancelled``."""
        self._end_step(index, record, t0, StepStatus.CANCELLED, _error("Cancelled", "run cancelled"))

    def _finish(self, status: RunStatus, index: int, data_json: bytes, run_t0: float) -> None:
        result = self.result
        for later_index in range(index + 1, len(result.steps)):
            later = result.steps[later_index]
            later.status = StepStatus.SKIPPED
            if self.listeners:
                self.emit(StepFinished(result.run_id, later_index, later.id, StepStatus.SKIPPED, None, later))
        if status in GOOD_RUN_STATUSES:
            result.output_json = data_json
        else:
            failed = result.steps[index]
            if failed.error is not None:
                result.error = {**failed.error, "stepId": failed.id}
        result.status = status
        result.finished_at = utc_now()
        result.duration_ms = round((time.perf_counter() - run_t0) * 1000, 3)
        self.emit(RunFinished(result.run_id, status, result.duration_ms, result))


class _Watchdog:
    """One timer per run that enforces each step's deadline.

    ``asyncio.timeout`` per step schedules and cancels a timer for every step,
    which was a third of the engine's per-step cost. Deadlines only grow from
    step to step, so one timer armed at the first deadline suffices: when it
    fires early for a later step, it re-arms itself at that step's deadline.
    On expiry it cancels the run's task; the step converts that into a timeout.
    A handler that swallows the cancellation and goes on awaiting is cancelled
    again every ``RECANCEL_SECONDS`` until it stops.
    """

    RECANCEL_SECONDS = 0.1

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._task = asyncio.current_task()
        self._deadline: float | None = None
        # qasync's call_at returns a plain Handle (no .when()): remember the time ourselves
        self._timer: asyncio.Handle | None = None
        self._timer_at = 0.0
        self.expired = False
        self.cancels_sent = 0

    def arm(self, deadline: float) -> None:
        self._deadline = deadline
        self.expired = False
        self.cancels_sent = 0
        if self._timer is None or self._timer_at > deadline:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self._loop.call_at(deadline, self._fire)
            self._timer_at = deadline

    def disarm(self) -> None:
        self._deadline = None

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        if self._deadline is None:
            return
        if self._loop.time() >= self._deadline:
            self.expired = True
            if self._task is not None:
                self._task.cancel()
                self.cancels_sent += 1
            self._timer = self._loop.call_later(self.RECANCEL_SECONDS, self._fire)
            self._timer_at = self._loop.time() + self.RECANCEL_SECONDS
        else:
            self._timer = self._loop.call_at(self._deadline, self._fire)
            self._timer_at = self._deadline


def _uncancel(count: int) -> None:
    """Take back the cancellations the watchdog sent, so the run can finish normally."""
    task = asyncio.current_task()
    if task is not None:
        for _ in range(count):
            task.uncancel()


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"type": kind, "message": message}


def _error_of(exc: BaseException) -> dict[str, Any]:
    """A step's error for its record; an exception may quote a secret (a URL, an echo)."""
    return _error(type(exc).__name__, known_secrets.scrub_known(str(exc) or type(exc).__name__))


_default_engine: Engine | None = None


def default_engine() -> Engine:
    """The process-wide engine: the user's settings file, the default registry."""
    global _default_engine
    if _default_engine is None:
        _default_engine = Engine(settings=AppSettings.load())
    return _default_engine


async def run_experiment(
    experiment: Experiment | Source,
    input: Any = None,
    scenario: str | None = None,
    dry_run: bool = False,
    *,
    store: Any = None,
    engine: Engine | None = None,
    on_event: Listener | None = None,
    replay_of: dict[str, Any] | None = None,
) -> RunResult:
    """Run an experiment to its end and return the result (docs/format.md, "Headless use").

    ``experiment`` is an :class:`Experiment` or anything ``load_experiment``
    takes; ``input`` a dict or JSON text (default ``{}``). Raises
    ``ExperimentError``/``InputError`` before any step runs. Nothing is stored
    unless ``store`` is given (anything whose ``record_event(event)`` commits the event
    or raises); then ``result.saved`` says whether the whole run is in it, and
    ``result.save_error`` why not (core/saving.py).
    ``replay_of`` (an earlier run's record) answers external calls from that
    run's recording instead of calling out.
    If the caller is cancelled, the run is cancelled too.
    """
    engine = engine or default_engine()
    listeners: list[Listener] = []
    watch = SaveWatch(store) if store is not None else None
    if watch is not None:
        listeners.append(watch)
    if on_event is not None:
        listeners.append(on_event)
    handle = engine.start(
        experiment, {} if input is None else input, scenario=scenario, dry_run=dry_run,
        listeners=listeners, replay=Replay(replay_of) if replay_of is not None else None,
    )
    try:
        return await handle
    except asyncio.CancelledError:
        handle.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(handle.task), timeout=5)
        raise
    finally:
        if watch is not None:  # also when cancelled: the caller may still report the run
            watch.settle(handle.result)
