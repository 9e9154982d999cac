"""Where the window and its panels go: sized from the screen, the user's layout kept.

One module owns the arrangement so that each panel only says which side it
belongs to (``add_panel``). The default, chosen for the canvas to get the room:

- the window takes the screen's available area up to 1600x1000, centred, and
  never more than the screen (a 1280x800 laptop gets everything on screen);
- left: the step palette above the simulator, both visible at first start;
- right: properties above history, properties taller (a step's form needs it);
- bottom, under the canvas only (the side columns keep the full height): inspector
  and log side by side, collapsed until there is something to
  show in them (a step is clicked, a run ends: ``open_details``), and toggled by
  View → Run details (Ctrl+J);
- the simulator and the inspector scroll inside their docks rather than make the
  window taller than a small screen.

The user's own arrangement (window geometry and dock state) is kept in
``$ORCHESTRATOR_CONFIG_DIR/window.ini`` when the window closes and restored at
the next start, unless the screen has become too small for it; View → Reset
layout brings the default back. Docks can be moved and closed, but a stray
drag cannot drop one onto another as a tab (``AllowTabbedDocks`` is off).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
)

from orchestrator_gui.ui.files import config_dir

PREFERRED = QSize(1600, 1000)
STATE_VERSION = 2  # bump when the default arrangement changes: old saved states are dropped
FILENAME = "window.ini"
# the side columns' share of the window's width (268 and 304 px at 1600), never below what
# their panels need: on a 1280x800 screen the canvas still gets 55% of the window
LEFT_SHARE, RIGHT_SHARE = 0.1675, 0.19
PALETTE_SHARE = 0.34  # of the left column's height; the simulator gets the rest
PROPERTIES_SHARE = 0.7  # of the right column's height; history gets the rest
INSPECTOR_SHARE = 0.6  # of the bottom area's width; the log gets the rest

DETAILS = ("inspectorDock", "logDock")  # the collapsible bottom area
SCROLLED = ("simulatorDock", "inspectorDock")  # forms taller than a small screen's share

Area = Qt.DockWidgetArea


def fitted_geometry(available: QRect, preferred: QSize = PREFERRED) -> QRect:
    """The preferred size cut to ``available`` (the screen less its panels), centred in it."""
    width = min(preferred.width(), available.width())
    height = min(preferred.height(), available.height())
    left = available.x() + (available.width() - width) // 2
    top = available.y() + (available.height() - height) // 2
    return QRect(left, top, width, height)


def fit_to_screen(window: QMainWindow) -> None:
    """Size and place ``window`` from its screen's available area (frame included)."""
    screen = window.screen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    # what the window manager adds around the client area (0 without one)
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    room = QRect(available.topLeft(), available.size() - extra)
    target = fitted_geometry(room)
    window.resize(target.size())
    window.move(target.topLeft())


def on_screen(window: QMainWindow) -> bool:
    return window.screen().availableGeometry().contains(window.frameGeometry())


class WindowLayout(QObject):
    """Arranges the window's docks, remembers the user's layout, and resets it."""

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget],
                 path: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.docks = docks
        self.path = path or config_dir() / FILENAME
        self.details_collapsed = False
        self._waiting_for_release = False
        for name in SCROLLED:
            if (dock := docks.get(name)) is not None:
                _scroll_inside(dock)
        window.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                              | QMainWindow.DockOption.AllowNestedDocks)
        # the side columns run the full height: the bottom area sits under the canvas only,
        # so opening it never pushes the simulator's Run button out of sight
        window.setCorner(Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea)
        window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        _let_status_bar_shrink(window)
        self.arrange_default()
        self.default_state = window.saveState(STATE_VERSION)
        self.reset_action = QAction("&Reset layout", window)
        self.reset_action.setObjectName("actionResetLayout")
        self.reset_action.setStatusTip("Put every panel back where it was at first start")
        self.reset_action.triggered.connect(self.reset)
        self.details_action = QAction("Run &details", window)
        self.details_action.setObjectName("actionRunDetails")
        self.details_action.setShortcut("Ctrl+J")
        self.details_action.setStatusTip("Show or hide the inspector and the log")
        self.details_action.triggered.connect(self.toggle_details)
        window.addAction(self.details_action)
        window.installEventFilter(self)

    # --- the default ------------------------------------------------------------------

    def arrange_default(self) -> None:
        window, docks = self.window, self.docks
        fit_to_screen(window)
        palette, simulator = docks.get("paletteDock"), docks.get("simulatorDock")
        if palette is not None and simulator is not None:
            window.removeDockWidget(simulator)  # it may have been tabbed with the palette
            window.addDockWidget(Area.LeftDockWidgetArea, simulator)
            window.splitDockWidget(palette, simulator, Qt.Orientation.Vertical)
            simulator.show()
        for name in ("paletteDock", "propertiesDock", "historyDock"):
            if (dock := docks.get(name)) is not None:
                dock.show()
        self.details_collapsed = False
        self.set_details(False)
        self.details_collapsed = any(name in docks for name in DETAILS)
        height = window.height()
        self._resize("paletteDock", "simulatorDock", PALETTE_SHARE, height)
        self._resize("propertiesDock", "historyDock", PROPERTIES_SHARE, height)
        columns = [(docks.get(name), _column_width(window, docks.get(other), share))
                   for name, other, share in (("paletteDock", "simulatorDock", LEFT_SHARE),
                                              ("propertiesDock", "historyDock", RIGHT_SHARE))]
        present = [(dock, width) for dock, width in columns if dock is not None]
        if present:
            window.resizeDocks([d for d, _ in present], [w for _, w in present],
                               Qt.Orientation.Horizontal)

    def _resize(self, upper: str, lower: str, share: float, height: int) -> None:
        top, bottom = self.docks.get(upper), self.docks.get(lower)
        if top is not None and bottom is not None:
            self.window.resizeDocks([top, bottom], [int(height * share), int(height * (1 - share))],
                                    Qt.Orientation.Vertical)

    # --- the bottom area --------------------------------------------------------------

    def details_docks(self) -> list[QDockWidget]:
        return [dock for name in DETAILS if (dock := self.docks.get(name)) is not None]

    def set_details(self, shown: bool) -> None:
        docks = self.details_docks()
        for dock in docks:
            dock.setVisible(shown)
        if shown and self.details_collapsed and len(docks) == 2:
            # first opened by the layout: the inspector gets the larger share of the width
            width = self.window.centralWidget().width() + sum(d.width() for d in docks)
            self.window.resizeDocks(docks, [int(width * INSPECTOR_SHARE),
                                            int(width * (1 - INSPECTOR_SHARE))],
                                    Qt.Orientation.Horizontal)
        if shown:
            self.details_collapsed = False

    def open_details(self) -> None:
        """Open the bottom area if the layout collapsed it; a user's own choice stays.

        It opens once the click that asked for it is over (the button released
        and the release handled): opening resizes the canvas, and a step under the
        pointer must not move and turn the click into a drag.
        """
        if not self.details_collapsed or self._waiting_for_release:
            return
        app = QApplication.instance()
        if isinstance(app, QApplication) and app.mouseButtons() != Qt.MouseButton.NoButton:
            self._waiting_for_release = True
            app.installEventFilter(self)  # only until the release
        else:
            QTimer.singleShot(0, self, self._open_now)

    def _open_now(self) -> None:
        if self.details_collapsed:
            self.set_details(True)

    def toggle_details(self) -> None:
        docks = self.details_docks()
        self.set_details(not any(dock.isVisible() for dock in docks))

    # --- the user's -------------------------------------------------------------------

    def _keep_on_screen(self) -> None:
        if not on_screen(self.window) and not self.window.isMaximized():
            fit_to_screen(self.window)

    def _settings(self) -> QSettings:
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    def restore(self) -> bool:
        """Bring back the layout saved at the last close; False (the default kept) otherwise."""
        if not self.path.exists():
            return False
        settings = self._settings()
        geometry, state = settings.value("geometry"), settings.value("state")
        if not isinstance(geometry, QByteArray) or not isinstance(state, QByteArray):
            return False
        if not self.window.restoreGeometry(geometry) or not on_screen(self.window):
            fit_to_screen(self.window)  # saved on a larger screen: the default size here
        if not self.window.restoreState(state, STATE_VERSION):
            self.window.restoreState(self.default_state, STATE_VERSION)
            return False
        self.details_collapsed = False  # what the user left open or closed stays so
        return True

    def save(self) -> None:
        settings = self._settings()
        settings.setValue("geometry", self.window.saveGeometry())
        settings.setValue("state", self.window.saveState(STATE_VERSION))
        settings.sync()

    def reset(self) -> None:
        self.window.restoreState(self.default_state, STATE_VERSION)
        self.arrange_default()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()  # QSettings reports a failed write in status(), never raises
        elif watched is self.window and event.type() == QEvent.Type.Show:
            # The window manager's frame is known only once the window is shown.
            QTimer.singleShot(0, self, self._keep_on_screen)
        elif self._waiting_for_release and event.type() == QEvent.Type.MouseButtonRelease:
            self._waiting_for_release = False
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self, self._open_now)  # after the release is handled
        return False


def _column_width(window: QMainWindow, dock: QDockWidget | None, share: float) -> int:
    """The column's share of the window, or what the panel in it needs if that is more."""
    wanted = int(window.width() * share)
    if dock is None:
        return wanted
    panel = dock.widget()
    inner = panel.widget() if isinstance(panel, QScrollArea) else panel
    needed = (inner.minimumSizeHint().width() if inner is not None else 0) + 6
    return max(wanted, needed)


def _scroll_inside(dock: QDockWidget) -> None:
    """Put the dock's panel in a scroll area, so its form never sets the window's height."""
    panel = dock.widget()
    area = QScrollArea(dock)
    area.setObjectName(f"{panel.objectName()}Scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(panel)
    dock.setWidget(area)


def _let_status_bar_shrink(window: QMainWindow) -> None:
    """A long path or message in the status bar is cut, and never widens the window."""
    for label in window.statusBar().findChildren(QLabel):
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
