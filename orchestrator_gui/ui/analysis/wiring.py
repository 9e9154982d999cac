"""Puts comparison, suites, sweeps, baselines and replay into the main window.

:class:`Analysis` (made by the window after the run experience, on its
``Host``, ui/host.py) adds: a *Compare*
dock (bottom, beside the log), a divergence mark on the canvas, the history
context menu (compare, star as baseline, replay), a "vs baseline" note in the
status bar after each run of an experiment with a baseline, and *Experiment*
menu entries for the suite window and the sweep dialog. Every decision is a
core call (``compare_runs``, ``compare_to_baseline``, ``replay_run``...).

Nothing of it is visible at start, so the comparison view is built the first
time it is shown and the suite and sweep windows when first opened: their
widgets and modules are not on the way to the first window (docs/architecture.md,
UI rule 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget

from orchestrator_gui.core.baselines import ReplayReport, compare_to_baseline, replay_run
from orchestrator_gui.core.compare import RunComparison, compare_runs
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.errors import ExperimentError, OrchestratorError
from orchestrator_gui.core.events import RunFinished, RunLifeEvent
from orchestrator_gui.ui.analysis.divergence_mark import DivergenceMark
from orchestrator_gui.ui.analysis.history_menu import install_history_menu, selected_run_ids
from orchestrator_gui.ui.analysis.tasks import Job
from orchestrator_gui.ui.bridge import connect_event
from orchestrator_gui.ui.shown_run import StoredRun

if TYPE_CHECKING:
    from orchestrator_gui.ui.analysis.compare_view import CompareView
    from orchestrator_gui.ui.analysis.suite_view import SuiteWindow
    from orchestrator_gui.ui.analysis.sweep_view import SweepDialog
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.run_wiring import RunExperience


class Analysis(QObject):
    """The controller of the analysis views of one main window."""

    def __init__(self, host: Host, experience: RunExperience) -> None:
        super().__init__(host.window())
        self.host, self.experience = host, experience
        self.history = self.experience.history
        self._view: CompareView | None = None
        # beside the inspector (the wide bottom-left area): a comparison needs the width
        self.dock = host.add_panel("compareDock", "Compare", QWidget(),
                                   Qt.DockWidgetArea.BottomDockWidgetArea, tab_with="inspectorDock")
        self.dock.hide()
        # one per canvas shown (the editor's first; the old-version canvas's when it exists)
        self.marks = [DivergenceMark(self.experience.canvas)]
        self.suite_window: SuiteWindow | None = None
        self.sweep_dialog: SweepDialog | None = None
        self.job: Job | None = None
        self.last_report: ReplayReport | None = None
        self.baseline_note = QToolButton()
        self.baseline_note.setObjectName("baselineNote")
        self.baseline_note.setAccessibleName("This run against the baseline; click to compare")
        self.baseline_note.setAutoRaise(True)
        self.baseline_note.hide()
        self._note_runs: tuple[str, str] | None = None
        host.add_status_widget(self.baseline_note)

        install_history_menu(self.history, self)
        self.dock.visibilityChanged.connect(self._on_dock_visible)
        self.baseline_note.clicked.connect(self._open_note)
        self.experience.canvas.changed.connect(self._sync_baseline)
        connect_event(self.experience.controller.stored, self._on_run_stored)  # end stored
        self._add_actions()
        host.after_first_paint(self._sync_baseline)  # when the history is first read

    # --- comparing --------------------------------------------------------------------

    @property
    def view(self) -> CompareView:
        """The comparison view in the Compare dock, built the first time it is needed."""
        return self._view or self._build_view()

    def _build_view(self) -> CompareView:
        from orchestrator_gui.ui.analysis.compare_view import CompareView

        placeholder = self.dock.widget()
        self._view = CompareView()
        self._view.divergence_changed.connect(self._mark)
        self.dock.setWidget(self._view)
        self._view.show()  # a child added to a shown dock stays hidden until told
        if placeholder is not None:
            placeholder.deleteLater()
        return self._view

    def _on_dock_visible(self, visible: bool) -> None:
        if not visible:
            self._clear_marks()
        elif self._view is None:  # opened from the View menu
            self._build_view()

    def compare_ids(self, run_a: str, run_b: str, title: str = "") -> RunComparison | None:
        """Compare two stored runs (``b`` against ``a``) and show it, B drawn on the canvas."""
        store = self.host.store()
        try:
            a, b = store.get_run(run_a), store.get_run(run_b)
        except KeyError:
            self.host.show_message("That run is no longer in the history.", "error")
            return None
        if StoredRun(a).started_at > StoredRun(b).started_at and not title:
            a, b = b, a  # older on the left: "what changed since"
        return self.show_comparison(compare_runs(a, b), a, b, title)

    def show_comparison(self, comparison: RunComparison, a: dict[str, Any], b: dict[str, Any],
                        title: str = "") -> RunComparison:
        from orchestrator_gui.ui.analysis.compare_view import run_label

        before, after = StoredRun(a), StoredRun(b)
        self.experience.show_run(after.run_id)
        self.dock.show()
        self.dock.raise_()
        self.view.show_comparison(comparison, run_label(before), run_label(after), title)
        return comparison

    def compare_selected(self) -> RunComparison | None:
        chosen = selected_run_ids(self.history)
        if len(chosen) != 2:
            self.host.show_message("Select two runs in History (Ctrl+click) to compare them.",
                                     "info")
            return None
        return self.compare_ids(chosen[1], chosen[0])

    def compare_with_baseline(self, run_id: str) -> RunComparison | None:
        baseline = self.baseline_id()
        if baseline is None or baseline == run_id:
            return None
        return self.compare_ids(baseline, run_id, title="Against the baseline ★")

    def _mark(self, divergence: object) -> None:
        self._clear_marks()
        if isinstance(divergence, tuple):
            shown = self.experience.shown_overlay.canvas
            mark = next((m for m in self.marks if m.canvas is shown), None)
            if mark is None:
                mark = DivergenceMark(shown)
                self.marks.append(mark)
            mark.show(*divergence)

    def _clear_marks(self) -> None:
        for mark in self.marks:
            mark.clear()

    # --- baselines --------------------------------------------------------------------

    def baseline_id(self) -> str | None:
        experiment_id = self.experience.canvas.base.get("id")
        try:
            return self.host.store().get_baseline(experiment_id) if experiment_id else None
        except OrchestratorError:  # no usable database: the window's StoreAlarm says so
            return None

    def star(self, run_id: str) -> None:
        try:
            self.host.store().set_baseline(run_id)
        except KeyError:  # not in the history (a run that could not be saved)
            self.host.show_message("Only a run saved in the history can be the baseline.",
                                     "error")
            return
        except OrchestratorError as exc:  # a full disk, a read-only database
            self.host.show_message(f"The baseline was not starred: {exc}", "error")
            return
        self._sync_baseline()
        self.host.show_message("★ Starred as this experiment's baseline: new runs are "
                                 "compared with it when they end.", "success")

    def clear_baseline(self) -> None:
        experiment_id = self.experience.canvas.base.get("id")
        if experiment_id:
            try:
                self.host.store().clear_baseline(experiment_id)
            except OrchestratorError as exc:
                self.host.show_message(f"The baseline star was not removed: {exc}", "error")
                return
        self._sync_baseline()

    def _sync_baseline(self) -> None:
        if self.history.held:  # not read yet: it is synced when it is
            return
        model = self.history.model
        baseline = self.baseline_id()
        if model.baseline_id != baseline:
            model.baseline_id = baseline
            if model.rowCount():
                model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, 0), [])

    def _on_run_stored(self, event: RunLifeEvent) -> None:
        if not isinstance(event, RunFinished):
            return
        if event.result.experiment_id != self.experience.canvas.base.get("id"):
            return
        try:
            comparison = compare_to_baseline(self.host.store(), event.run_id)
        except KeyError:
            comparison = None
        if comparison is None:
            self.baseline_note.hide()
            return
        count = sum(1 for s in comparison.steps if s.diverged)
        if comparison.same_behaviour:
            text = "vs baseline: same behaviour ✓"
        else:
            text = f"vs baseline: {count} step{'s' * (count != 1)} differ ≠"
        self.baseline_note.setText(text)
        self.baseline_note.setToolTip("Click to compare this run with the starred baseline")
        self.baseline_note.setStyleSheet(
            "QToolButton { color: %s; font-weight: 600; }"
            % ("#6ee7a8" if comparison.same_behaviour else "#f5d68a"))
        self._note_runs = (str(comparison.run_a), event.run_id)
        self.baseline_note.show()

    def _open_note(self) -> None:
        if self._note_runs is not None:
            self.compare_ids(*self._note_runs, title="Against the baseline ★")

    # --- replay -----------------------------------------------------------------------

    def replay(self, run_id: str) -> bool:
        """Replay a run with its recorded external answers; the comparison opens at the end."""
        if self.job is not None and self.job.running:
            return False
        store = self.host.store()
        try:  # the snapshot it ran with, read with the app's registry (plugins included)
            experiment = load_experiment(StoredRun(store.get_run(run_id)).experiment or {},
                                         registry=self.host.registry)
        except (KeyError, ExperimentError) as exc:
            self.host.show_message(f"Run {run_id[:8]} cannot be replayed: {exc}", "error")
            return False
        self.host.show_message("Replaying with the recorded answers (nothing is sent)…")
        self.job = Job(replay_run(store, run_id, experiment=experiment,
                                  engine=self.experience.controller.engine),
                       lambda report, error: self._replayed(run_id, report, error))
        return True

    def _replayed(self, run_id: str, report: ReplayReport | None, error: str | None) -> None:
        if report is None:
            self.host.show_message(f"The replay of run {run_id[:8]} did not finish: {error}",
                                     "error")
            return
        self.last_report = report
        if report.saved is False and report.result is not None:  # kept in memory, warned
            self.experience.unsaved.add(report.result, StoredRun(report.record).experiment,
                                        report.save_error or "?")
        self.history.refresh()
        changed = [s.name for s in report.changed_steps]
        title = "Replay with recorded answers"
        if report.same:
            self.host.show_message(f"✓ Replay of run {run_id[:8]}: every step gave the same "
                                     "output.", "success")
        else:
            self.host.show_message(f"≠ Replay of run {run_id[:8]}: {len(changed)} step"
                                     f"{'s' * (len(changed) != 1)} now differ: "
                                     + ", ".join(changed), "warning")
        original = self.host.store().get_run(run_id)
        self.show_comparison(report.comparison, original, report.record, title)

    # --- suite and sweep windows -------------------------------------------------------

    def open_suite(self) -> SuiteWindow:
        if self.suite_window is None:
            from orchestrator_gui.ui.analysis.suite_view import SuiteWindow

            self.suite_window = SuiteWindow(self.host, self.experience, self.host.window())
            self.suite_window.scenario_to_simulator.connect(
                lambda s: self.experience.simulator.set_input(s.input, s.name))
        self.suite_window.show()
        self.suite_window.raise_()
        return self.suite_window

    def open_sweep(self) -> SweepDialog:
        if self.sweep_dialog is None:
            from orchestrator_gui.ui.analysis.sweep_view import SweepDialog

            self.sweep_dialog = SweepDialog(self.host, self.experience, self.host.window())
        self.sweep_dialog.refresh_fields()
        self.sweep_dialog.show()
        self.sweep_dialog.raise_()
        return self.sweep_dialog

    def _add_actions(self) -> None:
        separator = QAction(self.host.window())
        separator.setSeparator(True)
        self.host.add_action(separator, "experiment")
        for name, text, slot, keys in (
                ("actionSuite", "Scenario &suite…", self.open_suite, "Ctrl+Shift+T"),
                ("actionSweep", "S&weep a field…", self.open_sweep, "Ctrl+Shift+W"),
                ("actionCompare", "&Compare selected runs", self.compare_selected, "Ctrl+Shift+D")):
            action = QAction(text, self.host.window())
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.host.add_action(action, "experiment")
