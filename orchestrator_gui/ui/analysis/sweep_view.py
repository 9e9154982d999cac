"""The sweep dialog: run one input field over a range (optionally a grid of two) and plot it.

"At which risk score does the decision change, with and without an EU
e-mail?" The dialog collects the range and the optional second field, runs
``core/sweeps.run_sweep`` on the app's engine (within the concurrent-run
limit, on top of the simulator's current input; sweep runs are not stored)
and draws the outcome against the swept value, with every flip listed.
Non-modal: the user can keep editing while it runs.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.paths import is_number, split_path
from orchestrator_gui.core.sweeps import DEFAULT_WATCH, Sweep, run_sweep, spaced
from orchestrator_gui.ui.analysis.plot import SweepPlot
from orchestrator_gui.ui.analysis.tasks import Job

if TYPE_CHECKING:
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.run_wiring import RunExperience


def numeric_paths(data: Any, prefix: str = "") -> list[str]:
    """Paths of the numbers in ``data`` (``riskScore``, ``user.age``): what can be swept."""
    out: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.extend([path] if is_number(value) else numeric_paths(value, path))
    return out


def _spin(low: float, high: float, value: float, name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setDecimals(4)
    box.setSingleStep(0.1)
    box.setValue(value)
    box.setFixedWidth(120)
    return box


class SweepDialog(QDialog):
    """Range, optional grid, Run/Cancel with progress, and the plot."""

    finished_sweep = Signal(object)  # Sweep

    def __init__(self, host: Host, experience: RunExperience,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepDialog")
        self.setAccessibleName("Sweep an input field")
        self.setModal(False)
        self.resize(940, 680)
        self.host, self.experience = host, experience
        self.job: Job | None = None
        self.sweep: Sweep | None = None
        self.field = QComboBox()
        self.field.setObjectName("sweepField")
        self.field.setAccessibleName("Input field to sweep (a path)")
        self.field.setEditable(True)
        self.start = _spin(-1e9, 1e9, 0.0, "sweepFrom")
        self.stop = _spin(-1e9, 1e9, 1.0, "sweepTo")
        self.steps = QSpinBox()
        self.steps.setObjectName("sweepSteps")
        self.steps.setRange(2, 1000)
        self.steps.setValue(11)
        self.steps.setFixedWidth(80)
        self.watch = QLineEdit(DEFAULT_WATCH)
        self.watch.setObjectName("sweepWatch")
        self.watch.setAccessibleName("Outcome to watch (a path in the run record)")
        self.use_grid = QCheckBox("Cross with a second field")
        self.use_grid.setObjectName("sweepUseGrid")
        self.grid_field = QLineEdit("email")
        self.grid_field.setObjectName("sweepGridField")
        self.grid_field.setAccessibleName("Second field")
        self.grid_values = QLineEdit("null, person@eu.com")
        self.grid_values.setObjectName("sweepGridValues")
        self.grid_values.setAccessibleName("Values of the second field, comma separated")
        self.base_note = QLabel()
        self.base_note.setWordWrap(True)
        self.base_note.setStyleSheet("color: #98a1b3;")
        self.run_button = QPushButton("▶  Run sweep")
        self.run_button.setObjectName("runSweepButton")
        self.cancel_button = QPushButton("■  Cancel")
        self.cancel_button.setObjectName("cancelSweepButton")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("sweepProgress")
        self.progress.setFormat("%v / %m runs")
        self.progress.setValue(0)
        self.message = QLabel()
        self.message.setObjectName("sweepMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.plot = SweepPlot()

        form = QFormLayout()
        rng = QHBoxLayout()
        rng.addWidget(QLabel("from"))
        rng.addWidget(self.start)
        rng.addWidget(QLabel("to"))
        rng.addWidget(self.stop)
        rng.addWidget(QLabel("in"))
        rng.addWidget(self.steps)
        rng.addWidget(QLabel("steps"))
        rng.addStretch(1)
        form.addRow("Sweep", self.field)
        form.addRow("", rng)
        grid = QHBoxLayout()
        grid.addWidget(self.use_grid)
        grid.addWidget(self.grid_field, 1)
        grid.addWidget(QLabel("="))
        grid.addWidget(self.grid_values, 2)
        form.addRow("Grid", grid)
        form.addRow("Watch", self.watch)
        form.addRow("", self.base_note)
        bar = QHBoxLayout()
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress, 1)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addLayout(bar)
        column.addWidget(self.plot, 1)
        column.addWidget(self.message)

        self.use_grid.toggled.connect(self._grid_toggled)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self._grid_toggled(False)
        self.refresh_fields()

    def refresh_fields(self) -> None:
        """Offer the numeric fields of the simulator's input (any path may be typed)."""
        base = self.experience.simulator.input or {}
        current = self.field.currentText()
        self.field.clear()
        self.field.addItems(numeric_paths(base))
        self.field.setCurrentText(current or (self.field.itemText(0) if self.field.count()
                                              else "riskScore"))
        self.base_note.setText("Every run starts from the simulator's input, with the swept "
                               "field(s) set. Sweep runs are not kept in the history.")
        self.setWindowTitle(f"Sweep — {self.host.canvas.base.get('name') or 'experiment'}")

    # --- commands ---------------------------------------------------------------------

    def run(self) -> bool:
        if self.job is not None and self.job.running:
            return False
        experiment = self.host.current_experiment()
        base = self.experience.simulator.input
        if experiment is None or base is None:
            self._say("The experiment or the simulator's input has a problem: fix it first.")
            return False
        field = self.field.currentText().strip()
        try:
            try:
                split_path(field)
            except ValueError as exc:
                raise ValueError(f"Sweep: {exc}; name an input field such as riskScore") from None
            values = spaced(self.start.value(), self.stop.value(), self.steps.value())
            grid_field, grid_values = self._grid()
        except ValueError as exc:
            self._say(html.escape(str(exc)))
            return False
        total = len(values) * (len(grid_values) if grid_field else 1)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self._say(f"Running {total} runs…", error=False)
        self._set_busy(True)
        coro = run_sweep(experiment, base, field, values, grid_field=grid_field,
                         grid_values=grid_values, watch=self.watch.text().strip() or DEFAULT_WATCH,
                         engine=self.experience.controller.engine,
                         on_row=lambda done, _total, _row: self.progress.setValue(done))
        self.job = Job(coro, self._done)
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    # --- internals --------------------------------------------------------------------

    def _grid(self) -> tuple[str | None, list[Any]]:
        if not self.use_grid.isChecked():
            return None, []
        from orchestrator_gui.cli.output import CliError
        from orchestrator_gui.cli.sweep import parse_grid

        field, values = self.grid_field.text().strip(), self.grid_values.text().strip()
        try:
            return parse_grid(f"{field}={values}")
        except CliError:
            raise ValueError("Grid: name a field and give its values separated by commas, "
                             "as in email = null, person@eu.com") from None

    def _done(self, sweep: Sweep | None, error: str | None) -> None:
        self._set_busy(False)
        if sweep is None:
            self._say("Sweep cancelled; nothing plotted." if error == "cancelled"
                      else html.escape(f"The sweep could not run: {error}"))
            return
        self.sweep = sweep
        self.plot.set_sweep(sweep)
        flips = self.plot.flip_labels
        if flips:
            self._say("<b>The outcome flips</b>: " + "; ".join(flips) + "." + _why_status(sweep),
                      error=False)
        else:
            self._say(html.escape(f"No flip: {sweep.plotted()} is the same over the whole range.")
                      + _why_status(sweep), error=False)
        self.finished_sweep.emit(sweep)

    def _say(self, text: str, error: bool = True) -> None:
        self.message.setStyleSheet("color: #ff8a8a;" if error else "color: #d7dbe3;")
        self.message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _grid_toggled(self, on: bool) -> None:
        self.grid_field.setEnabled(on)
        self.grid_values.setEnabled(on)


def _why_status(sweep: Sweep) -> str:
    """When run statuses were plotted instead of the watched path, say why, once."""
    if all(row.watched for row in sweep.rows):
        return ""
    if not any(row.watched for row in sweep.rows):
        return html.escape(f" No run recorded {sweep.watch}, so their status is plotted: "
                           "check the path to watch.")
    return html.escape(f" Runs that did not record {sweep.watch} show their status.")
