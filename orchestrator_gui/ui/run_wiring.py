"""Puts the run experience into the main window: docks, the replay canvas, the signals.

The window is the panels' ``Host`` (ui/host.py: ``canvas``, ``registry``,
``store()``, ``current_experiment()``, ``show_message()``, ``add_panel()``...);
:class:`RunExperience` adds the simulator (left), history (right), inspector
and log (bottom), a run-progress label in the status bar, and wraps the central
widget in a stack so that an old run can be shown on the experiment as it was
then. The window creates it (``RunExperience(host)``) and owns it. History is written
on a writer thread: the window calls :meth:`RunExperience.close` before it
closes the store, so everything queued is written first. A run whose end could
not be written is kept in memory (ui/unsaved_runs.py): a warning above the
canvas stays until it is exported or dismissed, History lists it as "not saved",
and File → Export unsaved runs… writes them all to a JSON file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QStackedWidget, QVBoxLayout, QWidget

from orchestrator_gui import resources
from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.core.errors import ExperimentError, OrchestratorError
from orchestrator_gui.core.events import RunFinished, StepFinished, StepStarted
from orchestrator_gui.core.result import RunResult
from orchestrator_gui.ui.bridge import connect_event
from orchestrator_gui.ui.canvas.replay_view import ReplayView
from orchestrator_gui.ui.canvas.run_overlay import RunOverlay
from orchestrator_gui.ui.panels.history import HistoryPanel
from orchestrator_gui.ui.panels.inspector import Inspector
from orchestrator_gui.ui.panels.log_panel import LogPanel
from orchestrator_gui.ui.panels.simulator import RunRequest, Simulator
from orchestrator_gui.ui.run_controller import RunController
from orchestrator_gui.ui.shown_run import StoredRun
from orchestrator_gui.ui.unsaved_runs import UnsavedBar, UnsavedRuns

if TYPE_CHECKING:
    from orchestrator_gui.ui.host import Host

PROGRESS_CHARS = 64  # the status line's width, in average characters
STEP_KEYS = ("id", "type", "name", "config", "timeoutSeconds")
Area = Qt.DockWidgetArea


def progress_label() -> QLabel:
    """The status bar's run-progress line, at a fixed size.

    Its text changes with every step of the followed run; a label that may grow
    makes the status bar and then the whole window lay out again each time
    (docs/architecture.md, UI rule 4). Fixed, it
    only repaints; a longer text is cut at the edge and whole in the tooltip.
    """
    label = QLabel("Ready")
    label.setObjectName("runProgress")
    label.setAccessibleName("Run progress")
    metrics = label.fontMetrics()
    label.setFixedSize(metrics.horizontalAdvance("x") * PROGRESS_CHARS, label.sizeHint().height())
    return label


def same_steps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two documents run the same steps (layout and names of the document aside)."""
    def key(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: s.get(k) for k in STEP_KEYS} for s in doc.get("steps", [])]
    return key(a) == key(b)


class RunExperience(QObject):
    """Owns the run panels and keeps them, the canvas and the controller in step."""

    canvas_shown = Signal(object)  # Canvas: the editor's, or the read-only one of a past run
    shown_run_ended = Signal()  # the run on the canvas has ended (its details are worth a look)

    def __init__(self, host: Host, controller: RunController | None = None) -> None:
        super().__init__(host.window())
        self.host = host
        self.canvas = host.canvas
        self.controller = controller or RunController(
            Engine(registry=host.registry, settings=host.session.settings),
            store=host.store, parent=self)
        engine = self.controller.engine  # the next runs use the settings saved
        host.session.settings_controller.changed.connect(lambda s: engine.apply_settings(s))
        bridge = self.controller.bridge
        self.shown = self.controller.shown  # the run on screen (ui/shown_run.py)
        self.overlay = RunOverlay(self.canvas, bridge, self)
        self.simulator = Simulator()
        self.history = HistoryPanel(host.store)
        self.inspector = Inspector()
        self.log_panel = LogPanel()
        self._replay: ReplayView | None = None  # built when a run is first shown on an old version
        self._replay_overlay: RunOverlay | None = None
        self.progress = progress_label()
        self.unsaved = UnsavedRuns(self)
        self.history.unsaved = self.unsaved

        self.stack = QStackedWidget(host.window())
        self.stack.setObjectName("centreStack")
        self.unsaved_bar = UnsavedBar(self.unsaved, self.export_unsaved)
        host.wrap_centre(self._centre)
        self.export_unsaved_action = _export_action(host, self.export_unsaved)
        # One full-height column on the left: the step palette and the simulator as
        # tabs, the simulator in front so a first-time user can press Run at once.
        host.add_panel("simulatorDock", "Simulator", self.simulator, Area.LeftDockWidgetArea,
                       tab_with="paletteDock").raise_()
        host.add_panel("historyDock", "History", self.history, Area.RightDockWidgetArea)
        host.add_panel("inspectorDock", "Inspector", self.inspector, Area.BottomDockWidgetArea)
        host.add_panel("logDock", "Log", self.log_panel, Area.BottomDockWidgetArea)
        host.add_status_widget(self.progress)

        self.simulator.run_requested.connect(self.run)
        self.simulator.cancel_requested.connect(lambda: self.controller.cancel())
        self.simulator.save_preset_requested.connect(self.save_preset)
        self.shown.changed.connect(self._on_shown)
        self.controller.progress.connect(self._show_progress)
        self.controller.start_failed.connect(
            lambda reason: host.show_message(f"The run could not start: {reason}", "error"))
        self.controller.store_failed.connect(lambda reason: host.show_message(reason, "error"))
        connect_event(self.controller.stored, self.history.on_run_stored)
        self.controller.run_unsaved.connect(
            lambda result, experiment, reason: self.unsaved.add(result, experiment, reason))
        self.unsaved.changed.connect(self.history.refresh_soon)
        for signal in (bridge.run_started, bridge.step_log, bridge.run_finished):
            connect_event(signal, self.log_panel.on_event)
        connect_event(bridge.step_finished, self._on_step_event)
        connect_event(bridge.run_finished, self._on_run_finished)
        self.history.run_selected.connect(self.show_run)
        self.history.run_again.connect(self.run_again)
        self.history.run_deleted.connect(self.unsaved.forget)
        self.history.run_deleted.connect(lambda _id: self.show_live())
        self.history.problem.connect(lambda text: host.show_message(text, "error"))
        self.canvas.selection_changed.connect(self._inspect)
        self.canvas.changed.connect(self._on_canvas_changed)
        # the built-in presets at once; with the user's own (stored data) once the window shows
        self.simulator.set_presets(resources.presets())
        host.after_first_paint(self.reload_presets)
        self._on_canvas_changed()

    def _centre(self, canvas_centre: QWidget) -> QWidget:
        """The window's centre: the unsaved-runs warning over a stack of the editor's
        centre and (once built) the old-version canvas."""
        self.stack.addWidget(canvas_centre)
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.unsaved_bar)
        column.addWidget(self.stack, 1)
        return centre

    def close(self, timeout: float | None = None) -> bool:
        """Write all queued history and stop the writer thread (before the store closes)."""
        return self.controller.close(timeout)

    @property
    def replay(self) -> ReplayView:
        """The canvas for a run's own version of the experiment; built on first use
        (a second NodeGraphQt graph the window's start does not need: UI rule 9)."""
        if self._replay is None:
            self._replay = ReplayView(self.host.registry)
            self._replay_overlay = RunOverlay(self._replay.canvas, None, self)
            self.stack.addWidget(self._replay)
            self._replay.back_requested.connect(self.show_live)
            self._replay.canvas.selection_changed.connect(self._inspect)
        return self._replay

    @property
    def replay_overlay(self) -> RunOverlay:
        self.replay  # noqa: B018 (builds it)
        assert self._replay_overlay is not None
        return self._replay_overlay

    # --- commands -------------------------------------------------------------------

    def run(self, request: RunRequest | None = None) -> RunResult | None:
        """Run the experiment on the canvas with the simulator's input (or ``request``)."""
        if request is None:
            self.simulator.request_run()
            return self.shown.live
        experiment: Experiment | None = self.host.current_experiment()
        if experiment is None:
            return None
        if self.host.import_guard.holds(experiment, request, self.run):  # asks first
            return None
        self.show_live()
        handle = self.controller.start(experiment, request.input, scenario=request.scenario,
                                       dry_run=request.dry_run)
        return handle.result if handle is not None else None

    def record_of(self, run_id: str) -> dict[str, Any]:
        """A finished run's record: kept in memory if it could not be saved, else stored
        (``KeyError``)."""
        unsaved = self.unsaved.get(run_id)
        return unsaved.record() if unsaved is not None else self.host.store().get_run(run_id)

    def run_again(self, run_id: str) -> RunResult | None:
        """Repeat a stored run's input and scenario on the current experiment, in the mode
        the simulator shows now (its Dry run box), whatever mode the old run had."""
        stored = StoredRun(self.record_of(run_id))
        self.simulator.set_input(stored.input or {}, stored.scenario)
        return self.run(RunRequest(stored.input or {}, stored.scenario or self.simulator.scenario,
                                   self.simulator.dry_run_toggle.isChecked()))

    def show_run(self, run_id: str) -> None:
        """Redraw a run: live if it is going, else from the store on the version it ran on."""
        if self.controller.focus(run_id):
            self.show_live()
            return
        try:
            record = self.record_of(run_id)
        except KeyError:
            self.history.refresh()
            return
        except OrchestratorError:  # a damaged database: the window's StoreAlarm says so
            return
        view = self.shown.show_stored(record)
        snapshot = view.experiment or {}
        try:
            current = self.canvas.to_document()
        except ValueError:  # not one chain right now: show the snapshot on its own
            current = {}
        if not snapshot or same_steps(snapshot, current):
            self.show_live()
            self.overlay.show(view)
        else:
            try:
                experiment = load_experiment(snapshot, registry=self.host.registry)
            except ExperimentError as exc:
                self.host.show_message(f"This run's experiment cannot be shown: {exc}", "error")
                return
            when = view.started_at[:19].replace("T", " ")
            self.replay.show_snapshot(experiment, when)
            self.replay_overlay.show(view)
            self.stack.setCurrentWidget(self.replay)
            self.canvas_shown.emit(self.replay.canvas)
        self._inspect_selected()

    def show_live(self) -> None:
        self.stack.setCurrentIndex(0)
        self.canvas_shown.emit(self.canvas)

    def save_preset(self, name: str, data: Any) -> None:
        try:
            self.host.store().save_preset(name, data)
        except (ValueError, OrchestratorError) as exc:  # a reserved name; a full disk; damage
            self.host.show_message(str(exc).splitlines()[0], "error")
            return
        self.reload_presets()
        self.simulator.choose_preset(name)

    def export_unsaved(self, path: str | Path | None = None) -> bool:
        """Write the runs not in history to a JSON file (asked for when not given)."""
        if not self.unsaved.runs:
            self.host.show_message("Every run of this session is in the history; there "
                                     "is nothing to export.", "info")
            return False
        if path is None:
            suggested = str(Path.home() / "unsaved-runs.json")
            chosen, _ = QFileDialog.getSaveFileName(self.host.window(), "Export unsaved runs",
                                                    suggested, "Run records (*.json)")
            if not chosen:
                return False
            path = chosen
        try:
            target = self.unsaved.export(path)
        except OSError as exc:
            self.host.show_message(f"Could not write {path}: {exc.strerror or exc}. Choose "
                                     "another folder (the runs are still kept).", "error")
            return False
        count = len(self.unsaved.runs)
        self.unsaved_bar.clear()  # resolved: the records are in the file
        self.host.show_message(f"Exported {count} unsaved run{'s' * (count != 1)} to "
                                 f"{target}.", "success")
        return True

    def reload_presets(self) -> None:
        try:
            presets = self.host.store().list_presets()
        except OrchestratorError:  # no usable database: the built-in ones still work
            from orchestrator_gui.store.shipped import builtin_presets

            presets = builtin_presets()
        self.simulator.set_presets(presets)

    # --- reactions --------------------------------------------------------------------

    @property
    def shown_overlay(self) -> RunOverlay:
        replaying = self._replay is not None and self.stack.currentWidget() is self._replay
        return self.replay_overlay if replaying else self.overlay

    def _show_progress(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setToolTip(text)

    def _on_shown(self) -> None:
        """Another run is shown: a live one of this experiment is drawn on the canvas at
        once (a stored one is drawn by ``show_run``, on the version it ran on)."""
        view = self.shown.view
        if view is not None and view.live is not None \
                and view.experiment_id == self.shown.experiment_id:
            self.overlay.show(view)
        self.simulator.set_busy(self.shown.live_going)

    def _on_step_event(self, event: StepStarted | StepFinished) -> None:
        if event.run_id == self.overlay.live_id:
            self._inspect_selected()

    def _on_run_finished(self, event: RunFinished) -> None:
        self.simulator.set_busy(self.shown.live_going)
        if event.run_id == self.overlay.live_id:
            self._inspect_selected()
            self.shown_run_ended.emit()

    def _on_canvas_changed(self) -> None:
        experiment_id = self.canvas.base.get("id")
        if self.shown.show_experiment(experiment_id):
            self.overlay.clear()
            self.show_live()
            self.history.show_experiment(experiment_id)
            self.inspector.show_step(None)

    def _inspect_selected(self) -> None:
        selected = self.shown_overlay.canvas.selected()
        self._inspect(selected[0] if len(selected) == 1 else None)

    def _inspect(self, node: Any) -> None:
        if node is None:
            return
        step = self.shown_overlay.step(node.step_id())
        self.inspector.show_step(step, hint=None if step else
                                 f"'{node.name()}' has not run in the run shown.")


def _export_action(host: Host, slot: Callable[[], object]) -> QAction:
    """File → Export unsaved runs… (after Export JSON… in the editor's File menu)."""
    action = QAction("Export &unsaved runs…", host.window())
    action.setObjectName("actionExportUnsaved")
    action.setToolTip("Write the runs that could not be saved to history to a JSON file")
    action.triggered.connect(lambda _checked=False: slot())
    host.add_action(action, "file", after="actionExport")
    return action
