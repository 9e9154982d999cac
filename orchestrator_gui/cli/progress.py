"""Live progress of a run on a terminal: each step as it starts and ends.

Listens to the engine's events and writes to stderr, so that stdout stays
free for the run's output or its JSON record (the verdict line is written by
``run.report`` once the run is over)::

    [2/5] > Normalize Data (transform-1, transform)
    [2/5] ✓ Normalize Data  success  0.3 ms
          info: riskScore -> risk_level
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from orchestrator_gui.cli.output import duration
from orchestrator_gui.core.events import RunStarted, StepFinished, StepLog, StepStarted
from orchestrator_gui.core.status import StepStatus

# A terminal's own marks (the window's are in ui/status_style.py): ASCII ones where the
# stream cannot encode these.
_MARKS = {StepStatus.SUCCESS: "✓", StepStatus.ERROR: "✗", StepStatus.TIMEOUT: "⏱",
          StepStatus.CANCELLED: "■", StepStatus.SKIPPED: "-"}
_ASCII = {StepStatus.SUCCESS: "ok", StepStatus.ERROR: "x", StepStatus.TIMEOUT: "t",
          StepStatus.CANCELLED: "#", StepStatus.SKIPPED: "-"}


class Progress:
    """An engine listener that prints step progress lines to ``stream`` (stderr)."""

    def __init__(self, stream: TextIO | None = None, *, show_logs: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.show_logs = show_logs
        self.total = 0
        encoding = getattr(self.stream, "encoding", None) or "ascii"
        try:
            "".join(_MARKS.values()).encode(encoding)
            self.marks = _MARKS
        except (UnicodeEncodeError, LookupError):
            self.marks = _ASCII
        self._names: dict[str, str] = {}

    def __call__(self, event: Any) -> None:
        if isinstance(event, RunStarted):
            self.total = event.step_count
            self._names = {s.id: s.name for s in event.result.steps}
            result = event.result
            extra = " (dry run)" if result.dry_run else ""
            scenario = f", scenario {result.scenario}" if result.scenario else ""
            self._line(f"Running {result.experiment_name!r}: {self.total} "
                       f"step{'s' if self.total != 1 else ''}{scenario}{extra}")
        elif isinstance(event, StepStarted):
            step = event.step
            self._line(f"{self._count(event.index)} > {step.name} ({step.id}, {step.type})")
        elif isinstance(event, StepLog):
            if self.show_logs:
                self._line(f"{' ' * (len(self._count(0)) + 1)}{event.level}: {event.message}")
        elif isinstance(event, StepFinished):
            mark = self.marks.get(event.status, "?")
            took = "" if event.status == StepStatus.SKIPPED else f"  {duration(event.duration_ms)}"
            line = f"{self._count(event.index)} {mark} {event.step.name}  {event.status}{took}"
            if event.step.error and event.status != StepStatus.SKIPPED:
                line += f"\n{' ' * (len(self._count(0)) + 1)}{event.step.error.get('type')}: " \
                        f"{event.step.error.get('message')}"
            self._line(line)

    def _count(self, index: int) -> str:
        width = len(str(self.total or 1))
        return f"[{index + 1:>{width}}/{self.total}]"

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
