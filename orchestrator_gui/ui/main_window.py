"""The main window: the canvas in the centre, the palette left, properties right.

It composes the parts and keeps the window's state (title, unsaved marker,
chain status); what is open lives in its ``session`` (ui/document.py), what
happens to documents in its ``documents`` controller (ui/document_controller.py),
menus and shortcuts in ``actions``. It is the panels' ``Host`` (ui/host.py):
the run panels dock into the same areas: the simulator under the palette
(left), history beside properties (right), the inspector and log panel at the
bottom (``add_panel``).

What only shows stored data (the run history) waits until the window has been
painted once (``after_first_paint``), so that opening the database is not on the
way to the first window (docs/architecture.md, UI rule 9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.paths import field_paths
from orchestrator_gui.core.registry import StepRegistry, default_registry
from orchestrator_gui.ui import icons
from orchestrator_gui.ui.actions import build_actions
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.quick_add import QuickAdd
from orchestrator_gui.ui.document import DocumentSession, StoreAccess
from orchestrator_gui.ui.document_controller import DocumentController
from orchestrator_gui.ui.files import RecentFiles
from orchestrator_gui.ui.host import Menu, MessageAction
from orchestrator_gui.ui.import_guard import ImportGuard
from orchestrator_gui.ui.message_bar import MessageBar
from orchestrator_gui.ui.panels.palette import Palette
from orchestrator_gui.ui.panels.properties import PropertiesPanel
from orchestrator_gui.ui.problems import ProblemsWatch
from orchestrator_gui.ui.settings_controller import SettingsController
from orchestrator_gui.ui.store_alarm import StoreAlarm
from orchestrator_gui.ui.window_layout import WindowLayout

if TYPE_CHECKING:
    from orchestrator_gui.core.document import Experiment
    from orchestrator_gui.store import Store
    from orchestrator_gui.ui.analysis.wiring import Analysis
    from orchestrator_gui.ui.run_wiring import RunExperience
    from orchestrator_gui.ui.shown_run import ShownRun

APP_TITLE = "Experiment Orchestrator"


class MainWindow(QMainWindow):
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
        self.recent = recent or RecentFiles()
        self.run_experience: RunExperience | None = None
        self.analysis: Analysis | None = None
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
        # the left column's docks (the palette, the simulator) as tabs on top
        self.setTabPosition(Qt.DockWidgetArea.LeftDockWidgetArea, QTabWidget.TabPosition.North)

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
        # the settings first: the store and (later) the engine start with them
        self.settings_controller = SettingsController(self, self.show_message)
        self.store_alarm = StoreAlarm(self, self.show_message)
        stores = StoreAccess(store_opener or _open_store, self.store_alarm,
                             lambda: self.settings_controller.settings)
        self.settings_controller.changed.connect(lambda s: stores.apply_settings(s))
        self.session = DocumentSession(self.canvas, stores, self.settings_controller)
        self.import_guard = ImportGuard(self)
        self.problems_watch = ProblemsWatch(self.canvas, self.registry, self.message_bar)
        self.documents = DocumentController(self, self.message_bar, self.problems_watch,
                                            self.recent, self.refresh_state)
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

        self.problems_watch.changed.connect(self.refresh_state)
        self.canvas.changed.connect(self.refresh_state)
        self.canvas.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.refresh_state()
        if with_runs:
            from orchestrator_gui.ui.run_wiring import RunExperience

            self.run_experience = RunExperience(self)
            shown = self.run_experience.shown
            self.properties.paths_of = lambda step_id: _paths_reaching(shown, step_id)
            shown.changed.connect(self.properties.offer_paths)
            self.run_experience.shown_run_ended.connect(self._on_shown_run_ended)
            self.run_experience.canvas_shown.connect(
                lambda canvas: self.properties.follow(canvas, read_only=canvas is not self.canvas))
            history = self.run_experience.history
            history.hold()  # its runs are read once the window is on screen
            self.after_first_paint(history.release)
            from orchestrator_gui.ui.analysis.wiring import Analysis

            self.analysis = Analysis(self, self.run_experience)  # compare, suites, sweeps...
        self.window_layout = WindowLayout(self, self.docks)
        self.view_menu.addAction(self.window_layout.details_action)
        self.view_menu.addAction(self.window_layout.reset_action)
        self.canvas.selection_changed.connect(self._on_step_clicked)
        self.window_layout.restore()

    # --- the panels' host (ui/host.py) ------------------------------------------------

    def store(self) -> Store:
        return self.session.store()

    def current_experiment(self) -> Experiment | None:
        return self.documents.current_experiment()

    def show_message(self, text: str, level: str = "info",
                     action: MessageAction | None = None) -> None:
        self.message_bar.show_message(text, level, action)

    def add_panel(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, *,
                  tab_with: str | None = None) -> QDockWidget:
        """Dock ``widget`` (its own objectName is the automation name) and list it in View;
        with ``tab_with``, as a tab of that dock (in front)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(f"{title} panel")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        self.view_menu.addAction(dock.toggleViewAction())
        neighbour = self.docks.get(tab_with or "")
        if neighbour is not None:
            self.tabifyDockWidget(neighbour, dock)
        return dock

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def add_action(self, action: QAction, menu: Menu, *, after: str | None = None) -> None:
        """Put ``action`` in the File or Experiment menu (after the action named ``after``,
        else last), its shortcut live in the whole window."""
        target = self.file_menu if menu == "file" else self.experiment_menu
        actions = target.actions()
        anchor = self.actions_by_name.get(after or "")
        index = actions.index(anchor) + 1 if anchor in actions else len(actions)
        if index < len(actions):
            target.insertAction(actions[index], action)
        else:
            target.addAction(action)
        self.addAction(action)
        self.actions_by_name[action.objectName()] = action

    def wrap_centre(self, wrap: Callable[[QWidget], QWidget]) -> None:
        self.setCentralWidget(wrap(self.takeCentralWidget()))

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

    def refresh_state(self) -> None:
        name = str(self.canvas.base.get("name") or "Untitled experiment")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.session.dirty)
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
        self.source_label.setText(self.session.where())
        self.source_label.setToolTip(str(self.session.path or ""))

    def _on_shown_run_ended(self) -> None:
        self.window_layout.open_details()

    def _on_step_clicked(self, node: object) -> None:
        if node is not None:
            self.window_layout.open_details()

    def _on_clean_changed(self, _clean: bool) -> None:
        self.refresh_state()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.documents.confirm_discard():
            if self.session.store.opened is not None and self.run_experience is not None:
                self.run_experience.close()  # history still queued for the writer thread first
            self.session.store.close()
            event.accept()
        else:
            event.ignore()


def _open_store() -> Store:
    # Imported on first use: the database layer is not needed to show the window.
    from orchestrator_gui.store import Store

    return Store.open()


def _paths_reaching(shown: ShownRun, step_id: str) -> list[str]:
    """The fields of what ``step_id`` received in the run shown (none before a run)."""
    step = shown.view.step(step_id) if shown.view is not None else None
    return field_paths(step.input) if step is not None else []
