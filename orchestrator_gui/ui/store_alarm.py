"""The app's word when its library database cannot be used: one dialog, said at once.

The store refuses a damaged file when it is opened (nothing is written to it), and
turns SQLite's corruption errors later in a session into ``StoreDamaged`` (after
which it writes nothing more). Either may surface on the UI thread (opening,
reading history) or on the store's writer thread (recording a run). :class:`StoreAlarm`
hears of both, marshals them to the UI thread (a queued signal), and shows the same
message the CLI prints, with the ``orchestrator db check`` / ``db recover`` commands,
in a dialog, once per message; the message bar keeps the first line. The app then
goes on without the library: runs still run, unsaved, and say so.

:func:`install_hook` covers the rest: a store error escaping any other slot (a menu
action reading the library) lands in the same dialog instead of a traceback.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from orchestrator_gui.ui.host import ShowMessage

DIALOG_NAME = "storeProblemDialog"


class StoreAlarm(QObject):
    """Shows a store failure in a dialog over ``window`` (once per distinct message)."""

    raised = Signal(object)  # a StoreError, from any thread

    def __init__(self, window: QWidget, show_message: ShowMessage) -> None:
        super().__init__(window)
        self.window = window
        self.show_message = show_message
        self.dialog: QMessageBox | None = None
        self.shown: list[str] = []
        self.raised.connect(self.report, Qt.ConnectionType.QueuedConnection)

    def watch(self, store: Any) -> None:
        """Hear of the damage ``store`` finds later (on whichever thread it is found)."""
        guard = getattr(store, "guard", None)
        if guard is not None:
            guard.listeners.append(self.raised.emit)

    def report(self, exc: object) -> None:
        """Show ``exc``'s message (UI thread); the same message again is not repeated."""
        lines = list(getattr(exc, "lines", None) or str(exc).splitlines() or [str(exc)])
        text = "\n".join(lines)
        if text in self.shown:
            return
        self.shown.append(text)
        self.show_message(f"History and the library are not available: {lines[0]}", "error")
        damaged = "is damaged" in lines[0]
        box = QMessageBox(QMessageBox.Icon.Critical,
                          "Database damaged" if damaged else "Database unavailable",
                          lines[0], QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName(DIALOG_NAME)
        box.setInformativeText("\n".join(line.strip() for line in lines[1:])
                               + "\n\nRuns still run, but nothing is saved until the app "
                                 "is restarted with a sound database.")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window's loop goes on (runs, the writer's reports)
        self.dialog = box


def install_hook(alarm: StoreAlarm) -> None:
    """Route store errors that escape a slot to ``alarm``; everything else as before."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException,
             trace: TracebackType | None) -> None:
        from orchestrator_gui.store.database import StoreError  # loaded: it raised one

        if isinstance(exc, StoreError):
            alarm.report(exc)
            return
        previous(kind, exc, trace)

    sys.excepthook = hook
