"""The scenario-suite window: edit the suite, run it, read the grid and the heatmap.

"Run suite" runs every scenario through ``core/suites.run_suite`` on the
app's engine, so the concurrent-run limit is shared with the user's own runs;
the progress bar follows each scenario as it ends and Cancel stops the rest.
The finished suite run is compared with the previous one kept in the store
(new failures stand out, fixed ones too) and then kept itself. Scenario runs
are not written to the history (a suite would push the user's runs out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.errors import OrchestratorError
from orchestrator_gui.core.suites import (
    SuiteDelta,
    SuiteProgress,
    SuiteRun,
    compare_suite_runs,
    run_suite,
)
from orchestrator_gui.ui.analysis.suite_editor import SuiteEditor
from orchestrator_gui.ui.analysis.suite_results import Heatmap, SuiteGrid
from orchestrator_gui.ui.analysis.tasks import Job
from orchestrator_gui.ui.status_style import format_duration

if TYPE_CHECKING:
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.run_wiring import RunExperience


def delta_text(delta: SuiteDelta | None) -> str:
    if delta is None:
        return "First suite run of this experiment."
    parts = []
    if delta.new_failures:
        parts.append(f"<span style='color:#ff5f7e'><b>{len(delta.new_failures)} new "
                     f"failure{'s' * (len(delta.new_failures) != 1)}</b></span>")
    if delta.fixed:
        parts.append(f"<span style='color:#56d4dd'>{len(delta.fixed)} fixed</span>")
    if delta.still_failing:
        parts.append(f"{len(delta.still_failing)} still failing")
    if delta.added:
        parts.append(f"{len(delta.added)} new scenario{'s' * (len(delta.added) != 1)}")
    return "Since the previous suite run: " + (", ".join(parts) or "no change") + "."


class SuiteWindow(QWidget):
    """A tool window (non-modal) on the experiment open in ``host`` (ui/host.py)."""

    finished = Signal(object)  # SuiteRun, once kept and drawn
    scenario_to_simulator = Signal(object)  # Scenario: try it by hand

    def __init__(self, host: Host, experience: RunExperience,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("suiteWindow")
        self.setAccessibleName("Scenario suite")
        self.host, self.experience = host, experience
        self.resize(1180, 760)
        self.job: Job | None = None
        self.last_run: SuiteRun | None = None
        self.last_delta: SuiteDelta | None = None
        self.editor = SuiteEditor(host.canvas, lambda: host.store().list_presets(),
                                  lambda: experience.simulator.input)
        self.run_button = QPushButton("▶  Run suite")
        self.run_button.setObjectName("runSuiteButton")
        self.run_button.setAccessibleName("Run every scenario of the suite")
        self.cancel_button = QPushButton("■  Cancel")
        self.cancel_button.setObjectName("cancelSuiteButton")
        self.cancel_button.setAccessibleName("Cancel the suite run")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("suiteProgress")
        self.progress.setAccessibleName("Scenarios done")
        self.progress.setFormat("%v / %m scenarios")
        self.progress.setValue(0)
        self.summary = QLabel("Add scenarios above, then run the suite.")
        self.summary.setObjectName("suiteSummary")
        self.summary.setAccessibleName("Suite result")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.delta = QLabel()
        self.delta.setObjectName("suiteDelta")
        self.delta.setAccessibleName("Compared with the previous suite run")
        self.delta.setTextFormat(Qt.TextFormat.RichText)
        self.grid = SuiteGrid()
        self.heatmap = Heatmap()
        heat_title = QLabel("FAILURES PER STEP")
        heat_title.setProperty("role", "section")

        bar = QHBoxLayout()
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress, 1)
        results = QWidget()
        column = QVBoxLayout(results)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        line = QHBoxLayout()
        line.addWidget(self.summary)
        line.addStretch(1)
        line.addWidget(self.delta)
        column.addLayout(line)
        column.addWidget(self.grid, 1)
        column.addWidget(heat_title)
        column.addWidget(self.heatmap)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(results)
        self.splitter.setSizes([300, 460])
        outer = QVBoxLayout(self)
        outer.addWidget(self.splitter)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.grid.scenario_chosen.connect(self._to_simulator)
        host.canvas.changed.connect(self._retitle)
        self._retitle()

    # --- commands ---------------------------------------------------------------------

    def run(self) -> bool:
        """Start the suite (False, with the reason shown, when it cannot start)."""
        if self.job is not None and self.job.running:
            return False
        self.editor.apply_now()
        experiment = self.host.current_experiment()
        if experiment is None:
            self.summary.setText("The experiment has problems: see the main window.")
            return False
        if experiment.suite is None or not experiment.suite.scenarios:
            self.summary.setText("The suite has no scenarios yet: add one above.")
            return False
        total = len(experiment.suite.scenarios)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.summary.setText(f"Running {total} scenarios…")
        self.delta.setText("")
        self._set_busy(True)
        coro = run_suite(experiment, engine=self.experience.controller.engine,
                         on_progress=self._on_progress)
        self.job = Job(coro, self._done)
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # --- reactions --------------------------------------------------------------------

    def _on_progress(self, progress: SuiteProgress) -> None:
        self.progress.setValue(progress.done)

    def _done(self, run: SuiteRun | None, error: str | None) -> None:
        self._set_busy(False)
        if run is None:
            self.summary.setText(f"Suite cancelled after {self.progress.value()} of "
                                 f"{self.progress.maximum()} scenarios; nothing kept."
                                 if error == "cancelled" else f"The suite could not run: {error}")
            return
        store = self.host.store()
        previous = store.last_suite_run(run.experiment_id)
        delta = compare_suite_runs(SuiteRun.from_dict(previous), run) if previous else None
        try:
            run.suite_run_id = store.save_suite_run(run.to_dict())
        except OrchestratorError as exc:  # shown all the same, said not kept
            self.show_run(run, delta)
            self.delta.setText(f"⚠ Not saved: {exc}. The next suite run cannot be compared "
                               "with this one.")
        else:
            self.show_run(run, delta)
        self.finished.emit(run)

    def show_run(self, run: SuiteRun, delta: SuiteDelta | None) -> None:
        self.last_run, self.last_delta = run, delta
        color = "#3fb950" if run.all_passed else "#f05252"
        took = f" in {format_duration(run.duration_ms)}" if run.duration_ms else ""
        self.summary.setText(f"<span style='color:{color}'><b>{run.passed} passed · "
                             f"{run.failed} failed</b></span> of {len(run.results)}{took}")
        self.delta.setText(delta_text(delta))
        self.grid.show_run(run, delta)
        self.heatmap.show_counts(run)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.editor.setEnabled(not busy)

    def _to_simulator(self, name: str) -> None:
        scenario = next((s for s in self.editor.suite.scenarios if s.name == name), None)
        if scenario is not None:
            self.scenario_to_simulator.emit(scenario)

    def _retitle(self) -> None:
        base = self.host.canvas.base
        self.setWindowTitle(f"Scenario suite — {base.get('name') or 'Untitled experiment'}")
        if self.last_run is not None and self.last_run.experiment_id != base.get("id"):
            self.last_run = self.last_delta = None  # another experiment: its results are not ours
            self.grid.setRowCount(0)
            self.grid.setColumnCount(0)
            self.heatmap.cells = []
            self.heatmap.update()
            self.summary.setText("Add scenarios above, then run the suite.")
            self.delta.setText("")
