"""The main window: the canvas in the centre, the palette left, properties right.

It composes the parts and keeps the window's state (title, unsaved marker,
chain status); what happens to documents lives in ``file_ops``, menus and
shortcuts in ``actions``. Issue 5's run panels dock into the same areas: the
simulator under the palette (left), history beside properties (right), the
inspector and log panel at the bottom (``add_panel``).

What only shows stored data (the run history) waits until the window has been
painted once (``after_first_paint``), so that opening the database is not on the
way to the first window (docs/benchmarks.md, start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.registry import StepRegistry, default_registry
from orchestrator_gui.ui import icons
from orchestrator_gui.ui.actions import build_actions
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.quick_add import QuickAdd
from orchestrator_gui.ui.file_ops import FileOps
from orchestrator_gui.ui.files import RecentFiles
from orchestrator_gui.ui.import_guard import ImportGuard
from orchestrator_gui.ui.message_bar import MessageBar
from orchestrator_gui.ui.panels.palette import Palette
from orchestrator_gui.ui.panels.properties import PropertiesPanel
from orchestrator_gui.ui.problems import ProblemsWatch
from orchestrator_gui.ui.settings_controller import SettingsController
from orchestrator_gui.ui.store_alarm import StoreAlarm
from orchestrator_gui.ui.window_layout import WindowLayout

if TYPE_CHECKING:
    from orchestrator_gui.store import Store

APP_TITLE = "Experiment Orchestrator"


class MainWindow(FileOps, QMainWindow):
    """The main window: the editor, and (``with_runs``) the run experience of ui/run_wiring.

    ``store_opener`` gives the library (opened on first use). Editor-only tests
    pass ``with_runs=False`` to keep the window small.
    """

    def __init__(
        self,
        registry: StepRegistry | None = None,
        store_opener: Callable[[], Store] | None = None,
        recent: RecentFiles | None = None,
        *,
        with_runs: bool = True,
    ) -> None:
        super().__init__()
        self.registry = registry or default_registry()
        self.store_opener = store_opener or _open_store
        self._store: Store | None = None
        self._store_failure: Exception | None = None  # opening failed: said once, not retried
        self.store_alarm = StoreAlarm(self)
        self.recent = recent or RecentFiles()
        self.document_path: Path | None = None
        self.library_id: str | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self.recent_menu: QMenu
        self.file_menu: QMenu
        self.view_menu: QMenu
        self.experiment_menu: QMenu
        self.toolbar: QToolBar
        self.docks: dict[str, QDockWidget] = {}
        self._painted = False
        self._after_paint: list[Callable[[], object]] | None = []

        self.setObjectName("mainWindow")
        self.setWindowIcon(icons.app_icon())
        self.setAccessibleName(APP_TITLE)
        self.setDockNestingEnabled(True)

        self.canvas = Canvas(self.registry, self)
        self.quick_add = QuickAdd(self.canvas)
        centre = QWidget(self)
        centre.setObjectName("centre")
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.message_bar = MessageBar(centre)
        column.addWidget(self.message_bar)
        column.addWidget(self.canvas.widget, 1)
        self.setCentralWidget(centre)

        self.palette_panel = Palette(self.canvas, self.registry)
        self.properties = PropertiesPanel(self.canvas)
        self.settings_controller = SettingsController(self)  # before the engine and the store
        self.import_guard = ImportGuard(self)
        build_actions(self)
        self.add_panel("paletteDock", "Steps", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_panel("propertiesDock", "Properties", self.properties,
                       Qt.DockWidgetArea.RightDockWidgetArea)

        self.chain_status = QLabel(self)
        self.chain_status.setObjectName("chainStatus")
        self.chain_status.setAccessibleName("Chain status")
        self.source_label = QLabel(self)
        self.source_label.setObjectName("sourceLabel")
        self.source_label.setAccessibleName("Where this experiment comes from")
        self.statusBar().addWidget(self.chain_status, 1)
        self.statusBar().addPermanentWidget(self.source_label)

        self.problems_watch = ProblemsWatch(self.canvas, self.registry, self.message_bar)
        self.problems_watch.changed.connect(self.refresh_state)
        self.canvas.changed.connect(self.refresh_state)
        self.canvas.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.refresh_state()
        if with_runs:
            from orchestrator_gui.ui.run_wiring import install_run_experience

            history = install_run_experience(self).history
            history.hold()  # its runs are read once the window is on screen
            self.after_first_paint(history.release)
            from orchestrator_gui.ui.analysis.wiring import install_analysis

            install_analysis(self)  # compare, suites, sweeps, baselines (issue 8)
        self.window_layout = WindowLayout(self, self.docks)
        self.view_menu.addAction(self.window_layout.details_action)
        self.view_menu.addAction(self.window_layout.reset_action)
        self.canvas.selection_changed.connect(self._on_step_clicked)
        self.window_layout.restore()

    # --- layout ---------------------------------------------------------------------

    def add_panel(self, name: str, title: str, widget: QWidget,
                  area: Qt.DockWidgetArea) -> QDockWidget:
        """Dock ``widget`` (its own objectName is the automation name) and list it in View."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(f"{title} panel")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def after_first_paint(self, work: Callable[[], object]) -> None:
        """Do ``work`` right after the window is first painted (now, if that is done)."""
        if self._after_paint is None:
            work()
        else:
            self._after_paint.append(work)

    @property
    def started(self) -> bool:
        """Painted once, and what waited for that has been done."""
        return self._after_paint is None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._run_after_paint)  # once this frame is on screen

    def _run_after_paint(self) -> None:
        waiting, self._after_paint = self._after_paint or [], None
        for work in waiting:
            work()

    def zoom(self, direction: int) -> None:
        self.canvas.zoom(direction)

    # --- state ----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return not self.canvas.undo_stack.isClean()

    def refresh_state(self) -> None:
        name = str(self.canvas.base.get("name") or "Untitled experiment")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.dirty)
        report = self.canvas.check()
        problems = self.problems_watch.problems
        count = len(self.canvas.nodes())
        if report.ok and not problems.ok and not problems.chain:
            more = len(problems.messages) - 1
            self.chain_status.setText(f"⚠  {problems.messages[0]}" + (f"  (+{more} more)" if more else ""))
            self.chain_status.setProperty("state", "problem")
        elif report.ok:
            self.chain_status.setText(f"✓  {count} step{'s' * (count != 1)} in one chain")
            self.chain_status.setProperty("state", "ok")
        else:
            first = report.problems[0].message.split(";")[0]
            more = len(report.problems) - 1
            self.chain_status.setText(f"⚠  {first}" + (f"  (+{more} more)" if more else ""))
            self.chain_status.setProperty("state", "problem")
        self.chain_status.style().unpolish(self.chain_status)
        self.chain_status.style().polish(self.chain_status)
        if self.library_id:
            self.source_label.setText(f"Library: {self.library_id}")
        elif self.document_path:
            self.source_label.setText(self.document_path.name)
        else:
            self.source_label.setText("Not saved yet")
        self.source_label.setToolTip(str(self.document_path or ""))

    def _on_step_clicked(self, node: object) -> None:
        if node is not None:
            self.window_layout.open_details()

    def _on_clean_changed(self, _clean: bool) -> None:
        self.refresh_state()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_discard():
            if self._store is not None:
                if (experience := getattr(self, "run_experience", None)) is not None:
                    experience.close()  # history still queued for the writer thread first
                self._store.close()
                self._store = None
            event.accept()
        else:
            event.ignore()


def _open_store() -> Store:
    # Imported on first use: the database layer is not needed to show the window.
    from orchestrator_gui.store import Store

    return Store.open()
