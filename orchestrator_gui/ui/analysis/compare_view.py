"""Two runs side by side, aligned by step: "what changed between these runs?".

The view draws a :class:`~orchestrator_gui.core.compare.RunComparison` (made
by ``compare_runs``; nothing is compared here): a header with both runs, one
row per aligned step (status A and B, duration change, what differs), and for
the chosen step its input, output and config changes by JSON path; two more
tabs hold the run-level input/output changes and the experiment diff (layout
ignored). ``divergence_changed`` tells the canvas which step to mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.compare import RunComparison, StepComparison
from orchestrator_gui.ui import status_style
from orchestrator_gui.ui.analysis.changes_tree import ChangesTree
from orchestrator_gui.ui.analysis.style import FAIL, MUTED, PASS, tinted
from orchestrator_gui.ui.status_style import format_duration

if TYPE_CHECKING:
    from orchestrator_gui.ui.shown_run import RunView

STEP_HEADERS = ("Step", "A", "B", "Δ time", "Differs in")


def run_label(run: RunView) -> str:
    """``26 Nov 14:19 · High Risk · 1cd9d8`` for a run."""
    when = run.started_at[:16].replace("T", " ")
    return f"{when} · {run.scenario or 'no scenario'} · {run.run_id[:8]}"


def status_text(status: str | None) -> str:
    return "—" if status is None else f"{status_style.mark(status)} {status}".strip()


def delta_text(ms: float | None) -> str:
    if ms is None:
        return "—"
    if abs(ms) < 1:
        return "≈ 0"
    sign = "+" if ms > 0 else "−"
    return f"{sign}{format_duration(abs(ms))}"


class CompareView(QWidget):
    """The comparison panel; ``show_comparison`` fills it."""

    divergence_changed = Signal(object)  # (step_id, reasons) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAccessibleName("Comparison of two runs")
        self.comparison: RunComparison | None = None
        self.header = QLabel("Pick two runs in History (Ctrl+click), then right-click → Compare.")
        self.header.setObjectName("compareHeader")
        self.header.setAccessibleName("The two runs compared")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setObjectName("compareSummary")
        self.summary.setAccessibleName("Comparison summary")
        self.volatile = QCheckBox("Show volatile changes")
        self.volatile.setObjectName("showVolatile")
        self.volatile.setAccessibleName("Show changes of times, ids and durations")
        self.steps = QTreeWidget()
        self.steps.setObjectName("compareSteps")
        self.steps.setAccessibleName("Steps of both runs, aligned")
        self.steps.setHeaderLabels(list(STEP_HEADERS))
        self.steps.setRootIsDecorated(False)
        self.steps.setUniformRowHeights(True)
        for column, width in enumerate((130, 84, 84, 66)):
            self.steps.setColumnWidth(column, width)
        self.step_changes = ChangesTree("stepChanges", "Changes of the chosen step")
        self.run_changes = ChangesTree("runChanges", "Changes of the run's input and output")
        self.experiment_changes = ChangesTree("experimentChanges",
                                              "Changes of the experiment between the runs")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compareTabs")
        self.tabs.addTab(self.step_changes, "Step")
        self.tabs.addTab(self.run_changes, "Run input && output")
        self.tabs.addTab(self.experiment_changes, "Experiment")

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.volatile, 0, Qt.AlignmentFlag.AlignTop)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.steps)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.addLayout(top)
        outer.addWidget(self.summary)
        outer.addWidget(split, 1)
        self.setStyleSheet("#compareSummary { padding: 4px 8px; border-radius: 5px; }"
                           "#compareSummary[state='same'] { background: #1d3a2c; color: #8ee6b0; }"
                           "#compareSummary[state='differ'] { background: #3a3020; color: #f5d68a; }")
        self.steps.currentItemChanged.connect(lambda item, _prev: self._show_step(item))
        self.volatile.toggled.connect(self._set_volatile)

    # --- content ----------------------------------------------------------------------

    def show_comparison(self, comparison: RunComparison, label_a: str, label_b: str,
                        title: str = "") -> None:
        self.comparison = comparison
        title_html = f"<b>{title}</b><br>" if title else ""
        self.header.setText(
            f"{title_html}<span style='color:#98a1b3'>A</span> {label_a} &nbsp;"
            f"{self._run_status(comparison.status_a, comparison.duration_a_ms)}<br>"
            f"<span style='color:#98a1b3'>B</span> {label_b} &nbsp;"
            f"{self._run_status(comparison.status_b, comparison.duration_b_ms)}")
        differing = [s for s in comparison.steps if s.diverged]
        first = comparison.first_divergence
        if comparison.same_behaviour:
            text, state = "✓ Same behaviour: every step gave the same result.", "same"
        else:
            where = (f"; first divergence at <b>{first.name}</b> ({first.step_id}: "
                     f"{', '.join(first.reasons)})" if first is not None else "")
            count = len(differing)
            text = f"≠ {count} step{'s' * (count != 1)} differ{'s' * (count == 1)}{where}"
            if comparison.status_a != comparison.status_b:
                text += f"; the run ended {comparison.status_a} → {comparison.status_b}"
            state = "differ"
        self.summary.setText(text)
        self.summary.setProperty("state", state)
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        self._fill_steps(comparison)
        self.run_changes.show_sections(
            [("Run input", comparison.input_changes), ("Run output", comparison.output_changes)],
            "The runs had the same input and output.")
        self.experiment_changes.show_sections(
            [("Experiment", comparison.experiment_changes)],
            "Both runs ran the same version of the experiment (layout aside).")
        self.divergence_changed.emit(None if first is None else (first.step_id, first.reasons))

    def differing_rows(self) -> list[str]:
        """Step ids of the rows marked as differing (what a user sees highlighted)."""
        items = [self.steps.topLevelItem(i) for i in range(self.steps.topLevelItemCount())]
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in items
                if item is not None and item.data(1, Qt.ItemDataRole.UserRole)]

    # --- internals --------------------------------------------------------------------

    @staticmethod
    def _run_status(status: str | None, ms: float | None) -> str:
        color = status_style.color(status, MUTED)
        return (f"<span style='color:{color}'>{status_text(status)}</span> "
                f"<span style='color:#98a1b3'>in {format_duration(ms)}</span>")

    def _fill_steps(self, comparison: RunComparison) -> None:
        self.steps.clear()
        first = comparison.first_divergence
        chosen = None
        bold = QFont()
        bold.setBold(True)
        for step in comparison.steps:
            what = ", ".join(step.reasons) or "same"
            if first is not None and step.step_id == first.step_id:
                what = f"◆ first: {what}"
            item = QTreeWidgetItem(self.steps, [
                f"{step.name}", status_text(step.status_a), status_text(step.status_b),
                delta_text(step.duration_change_ms), what])
            item.setData(0, Qt.ItemDataRole.UserRole, step.step_id)
            item.setData(1, Qt.ItemDataRole.UserRole, step.diverged)
            item.setToolTip(0, f"{step.name} ({step.step_id})")
            for column, status in ((1, step.status_a), (2, step.status_b)):
                item.setForeground(column, QBrush(QColor(status_style.color(status, MUTED))))
            if step.diverged:
                for column in range(len(STEP_HEADERS)):
                    item.setBackground(column, QBrush(tinted(FAIL if step.only_in or
                                                             "status" in step.reasons
                                                             else "#e3a008", 38)))
                item.setForeground(4, QBrush(QColor("#f5d68a")))
            else:
                item.setForeground(4, QBrush(QColor(PASS)))
            if first is not None and step.step_id == first.step_id:
                item.setFont(4, bold)
                chosen = item
        target = chosen or self.steps.topLevelItem(0)
        if target is not None:
            self.steps.setCurrentItem(target)
        else:
            self._show_step(None)

    def _step_of(self, item: QTreeWidgetItem | None) -> StepComparison | None:
        if item is None or self.comparison is None:
            return None
        step_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((s for s in self.comparison.steps if s.step_id == step_id), None)

    def _show_step(self, item: QTreeWidgetItem | None) -> None:
        step = self._step_of(item)
        if step is None:
            self.step_changes.show_sections([], "Choose a step on the left.")
            return
        if step.only_in:
            side = "B (added since A)" if step.only_in == "b" else "A (removed in B)"
            self.step_changes.show_sections([], f"{step.name} ran only in run {side}.")
            return
        sections = [("Output", step.output_changes), ("Input", step.input_changes),
                    ("Config", step.config_changes)]
        error_a, error_b = (step.error_a or {}).get("type"), (step.error_b or {}).get("type")
        empty = (f"{step.name}: same input, output and config."
                 if error_a == error_b else f"{step.name}: error {error_a} → {error_b}.")
        self.step_changes.show_sections(sections, empty)
        self.tabs.setTabText(0, f"Step: {step.name}")

    def _set_volatile(self, on: bool) -> None:
        for tree in (self.step_changes, self.run_changes, self.experiment_changes):
            tree.set_show_volatile(on)
