"""A read-only look at an earlier version of the experiment, for redrawing an old run.

History must redraw a run "from the experiment as it was when it ran". When
that differs from what is on the editing canvas, loading the old version
into the editor would throw away the undo history and the unsaved marker, so
the old version gets a canvas of its own, shown in place of the editor with
a banner and a way back. Edits made here are never saved anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from orchestrator_gui.core.document import Experiment
from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.ui.canvas.editor import Canvas


class ReplayView(QWidget):
    """A banner over a second canvas holding a run's snapshot of the experiment."""

    back_requested = Signal()

    def __init__(self, registry: StepRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayView")
        self.canvas = Canvas(registry, self)
        self.canvas.view.setObjectName("replayCanvas")
        self.canvas.view.setAccessibleName("The experiment as it was for the selected run")
        self.banner = QLabel(self)
        self.banner.setObjectName("replayBanner")
        self.banner.setAccessibleName("Showing an earlier version")
        self.banner.setWordWrap(True)
        self.back_button = QPushButton("Back to the current experiment", self)
        self.back_button.setObjectName("replayBackButton")
        self.back_button.setAccessibleName("Back to the current experiment")
        self.back_button.clicked.connect(self.back_requested)
        bar = QWidget(self)
        bar.setObjectName("replayBar")
        bar.setStyleSheet("#replayBar { background: #3b2f12; } #replayBar QLabel { color: #f5d68a; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.banner, 1)
        row.addWidget(self.back_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(bar)
        column.addWidget(self.canvas.widget, 1)

    def show_snapshot(self, experiment: Experiment, when: str) -> None:
        self.canvas.load(experiment)
        self.banner.setText(
            f"Showing the run of {when} on the experiment as it was then "
            f"({len(experiment.steps)} steps). It has changed since; edits here are not saved."
        )
