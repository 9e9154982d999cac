"""The open experiment's problems: one list, worked out again after every change.

The status bar, the problems banner over the canvas and the red outlines on
the steps all read this one list, so none of them can go stale: when the last
problem is fixed the banner says so and goes, the outlines go, and the status
bar says the experiment is ready. Working it out (the chain, then the whole
document through the loader) waits for a short pause in editing, so typing
in a field does not validate the document at every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.ui.canvas.convert import ChainError
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.message_bar import MessageBar

PAUSE_MS = 250  # after the last change, before the document is checked again
SOURCE = "problems"  # the banner's source tag while it shows this list
_STEP = re.compile(r"steps\[(\d+)\]")
MAX_LISTED = 8


def problems_text(problems: list[str]) -> str:
    """Problems as a bulleted list, the first few only."""
    shown = "\n".join(f"• {p}" for p in problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    return shown + (f"\n… and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Problems:
    """What is wrong with the document now; ``chain`` when the steps are not one chain."""

    messages: list[str] = field(default_factory=list)
    chain: bool = False

    @property
    def ok(self) -> bool:
        return not self.messages

    def banner(self) -> str:
        if self.chain:
            return ("The steps are not one chain, so the experiment cannot be used yet. "
                    "Marked in red on the canvas:\n" + problems_text(self.messages))
        return "The experiment has problems:\n" + problems_text(self.messages)


class ProblemsWatch(QObject):
    """Keeps :class:`Problems` for the canvas and the views of it up to date."""

    changed = Signal()

    def __init__(self, canvas: Canvas, registry: StepRegistry, bar: MessageBar) -> None:
        super().__init__(canvas)
        self.canvas, self.registry, self.bar = canvas, registry, bar
        self.problems = Problems()
        self.experiment: Experiment | None = None  # the document as loaded, when it has none
        self._timer = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._timer.timeout.connect(self.refresh)
        canvas.changed.connect(self._timer.start)

    def refresh(self) -> Problems:
        """Check the document now; update the outlines, the banner and listeners."""
        self._timer.stop()
        try:
            document = self.canvas.to_document()  # marks the steps breaking the chain
        except ChainError as exc:
            problems = Problems([p.message for p in exc.report.problems], chain=True)
        else:
            try:
                self.experiment = load_experiment(document, registry=self.registry)
            except ExperimentError as exc:
                problems = Problems(list(exc.problems))
                self.canvas.mark_steps(_by_step(document, problems.messages))
            else:
                problems = Problems()
        if not problems.ok:
            self.experiment = None
        fixed = not self.problems.ok and problems.ok
        self.problems = problems
        if self.bar.source == SOURCE:
            if problems.ok:
                self.bar.clear()
                if fixed:
                    self.bar.show_message("✓ No problems left: the experiment is ready to run.",
                                          "success")
            else:
                self.bar.show_message(problems.banner(), "error", source=SOURCE)
        self.changed.emit()
        return problems

    def show(self) -> Problems:
        """Check now and put the problems in the banner (Check, Run, Save ask for this)."""
        problems = self.refresh()
        if not problems.ok:
            self.bar.show_message(problems.banner(), "error", source=SOURCE)
        return problems


def _by_step(document: dict[str, object], messages: list[str]) -> dict[str, str]:
    """Step id -> its problems, from the loader's ``steps[N] (id): …`` messages."""
    steps = document.get("steps")
    out: dict[str, str] = {}
    for message in messages:
        found = _STEP.match(message)
        if found is None or not isinstance(steps, list) or int(found[1]) >= len(steps):
            continue
        step = steps[int(found[1])]
        step_id = step.get("id") if isinstance(step, dict) else None
        if isinstance(step_id, str):
            out[step_id] = f"{out[step_id]}\n{message}" if step_id in out else message
    return out
