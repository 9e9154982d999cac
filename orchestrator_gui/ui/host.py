"""What a panel may ask of the window it lives in: the ``Host`` protocol.

Why it exists: the run panels, the analysis views, the settings and the trust
question are built by the main window but written against this protocol, not
against ``MainWindow``. A panel takes a ``Host`` (and the other objects it
needs, e.g. the run experience) in its constructor and uses only these
services; it never attaches attributes to the window nor probes it with
``getattr``. The tests' stand-in window (tests/ui/host_standin.py) implements
the same protocol, and mypy checks both.

The services:

- ``canvas`` (the editor's canvas), ``registry`` (the step types);
- ``session``: the open document (ui/document.py: its id, file or library id,
  dirty flag, where it came from, the store, the settings);
- ``store()``: the library database, opened on first use; raises an
  ``OrchestratorError`` when it cannot be used (the window has said why);
- ``current_experiment()``: the canvas as a validated experiment, or None with
  the reasons shown;
- ``show_message(text, level, action)``: the message bar above the canvas;
- ``add_panel(...)``: dock a widget (listed in the View menu), optionally as a
  tab beside a dock already there; ``add_status_widget``; ``add_action`` into
  the File or Experiment menu; ``wrap_centre`` to put the canvas inside a
  widget of the panel's (the run experience's stack);
- ``after_first_paint(work)``: defer what only shows stored data until the
  window is on screen (docs/architecture.md, UI rule 9);
- ``import_guard``: the trust question before a run (ui/import_guard.py);
- ``window()``: the top-level widget, the parent of dialogs (every QWidget has it).

To follow the run on screen, a panel subscribes to ``ShownRun.changed``
(ui/shown_run.py), which the run experience owns; the host does not carry it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDockWidget, QWidget

    from orchestrator_gui.core.document import Experiment
    from orchestrator_gui.core.registry import StepRegistry
    from orchestrator_gui.store import Store
    from orchestrator_gui.ui.canvas.editor import Canvas
    from orchestrator_gui.ui.document import DocumentSession
    from orchestrator_gui.ui.import_guard import ImportGuard

MessageAction = tuple[str, Callable[[], object]]  # a button's text and what it does
Menu = Literal["file", "experiment"]


class ShowMessage(Protocol):
    """``show_message(text, level="info", action=None)``, for objects given only that."""

    def __call__(self, text: str, level: str = "info",
                 action: MessageAction | None = None) -> None: ...


class Host(Protocol):
    """The services the main window offers its panels (see the module docstring)."""

    @property
    def canvas(self) -> Canvas: ...

    @property
    def registry(self) -> StepRegistry: ...

    @property
    def session(self) -> DocumentSession: ...

    @property
    def import_guard(self) -> ImportGuard: ...

    def store(self) -> Store: ...

    def current_experiment(self) -> Experiment | None: ...

    def show_message(self, text: str, level: str = "info",
                     action: MessageAction | None = None) -> None: ...

    def add_panel(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, *,
                  tab_with: str | None = None) -> QDockWidget: ...

    def add_status_widget(self, widget: QWidget) -> None: ...

    def add_action(self, action: QAction, menu: Menu, *, after: str | None = None) -> None: ...

    def wrap_centre(self, wrap: Callable[[QWidget], QWidget]) -> None: ...

    def after_first_paint(self, work: Callable[[], object]) -> None: ...

    def window(self) -> QWidget: ...
