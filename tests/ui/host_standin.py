"""A small window that is a ``Host`` (ui/host.py) for panel tests and benches.

It offers exactly the services of the protocol, with the real canvas, the real
settings controller, the real trust question and a real store, and nothing of
the editor (no palette, menus or file commands), so the run experience's tests
exercise our panels alone. mypy checks it against the protocol (``as_host``;
pyproject.toml lists this file), so a service added to ``Host`` must be added
here too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.store import Store
from orchestrator_gui.ui.canvas.convert import ChainError
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.document import DocumentSession, StoreAccess
from orchestrator_gui.ui.host import Host, Menu, MessageAction
from orchestrator_gui.ui.import_guard import ImportGuard
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.run_wiring import RunExperience
from orchestrator_gui.ui.settings_controller import SettingsController
from orchestrator_gui.ui.store_alarm import StoreAlarm


class StandInHost(QMainWindow):
    """What a panel may use of the editor's main window, and nothing else."""

    def __init__(self, registry: StepRegistry, store: Store) -> None:
        super().__init__()
        self.registry = registry
        self.messages: list[tuple[str, str]] = []
        self.canvas = Canvas(registry, self)
        self.setCentralWidget(self.canvas.widget)
        self.resize(1400, 860)
        self.settings_controller = SettingsController(self, self.show_message)
        stores = StoreAccess(lambda: store, StoreAlarm(self, self.show_message),
                             lambda: self.settings_controller.settings)
        self.session = DocumentSession(self.canvas, stores, self.settings_controller)
        self.import_guard = ImportGuard(self)
        self.run_experience: RunExperience | None = None  # set by the test that wants it

    def store(self) -> Store:
        return self.session.store()

    def current_experiment(self) -> Experiment | None:
        try:
            return load_experiment(self.canvas.to_document(), registry=self.registry)
        except (ChainError, ExperimentError) as exc:
            self.show_message(str(exc), "error")
            return None

    def show_message(self, text: str, level: str = "info",
                     action: MessageAction | None = None) -> None:
        self.messages.append((level, text))

    def add_panel(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, *,
                  tab_with: str | None = None) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def add_action(self, action: QAction, menu: Menu, *, after: str | None = None) -> None:
        self.addAction(action)

    def wrap_centre(self, wrap: Callable[[QWidget], QWidget]) -> None:
        self.setCentralWidget(wrap(self.takeCentralWidget()))

    def after_first_paint(self, work: Callable[[], object]) -> None:
        work()


def as_host(window: StandInHost) -> Host:
    """The stand-in, as the protocol (mypy proves that it is one)."""
    return window


def main_window_as_host(window: MainWindow) -> Host:
    """The app's window, as the protocol (mypy proves that it is one too)."""
    return window
