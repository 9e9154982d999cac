"""The open document: where it came from, whether it is saved, and the store and settings.

Why it exists: what the window has open was spread over window attributes
(``document_path``, ``library_id``, ``_store``...) that panels read with
``getattr``. :class:`DocumentSession` holds it in one typed place, owned by
the window and reached through ``Host.session`` (ui/host.py):

- ``id``: the experiment id on the canvas; ``path`` (a file) or ``library_id``;
- ``origin``: how it was opened, which decides whether its runs need the
  user's consent first (ui/import_guard.py): ``"file"`` (imported from a
  file), ``"library"`` (opened from the database, which ``orchestrator
  import`` may have filled), ``"own"`` (made here, or opened by the app itself);
- ``dirty``: changes not saved yet;
- ``store``: the library database (:class:`StoreAccess`, opened on first use);
- ``settings``: the app settings in force (ui/settings_controller.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from orchestrator_gui.core.errors import OrchestratorError

if TYPE_CHECKING:
    from orchestrator_gui.core.settings import AppSettings
    from orchestrator_gui.store import Store
    from orchestrator_gui.ui.canvas.editor import Canvas
    from orchestrator_gui.ui.settings_controller import SettingsController
    from orchestrator_gui.ui.store_alarm import StoreAlarm

Origin = Literal["own", "file", "library"]


class StoreAccess:
    """The library database, opened on first use; a failure to open is said once, not retried.

    History keeps as many runs as the settings say: applied when the store
    opens and again whenever the settings change (:meth:`apply_settings`).
    """

    def __init__(self, opener: Callable[[], Store], alarm: StoreAlarm,
                 settings: Callable[[], AppSettings]) -> None:
        self.opener = opener
        self.alarm = alarm
        self._settings = settings
        self._store: Store | None = None
        self._failure: OrchestratorError | None = None

    def __call__(self) -> Store:
        """The open store; ``OrchestratorError`` (reported once by the alarm) if it cannot be."""
        if self._store is None:
            if self._failure is not None:
                raise self._failure
            try:
                store = self.opener()
            except OrchestratorError as exc:  # a damaged file, a newer schema, a folder
                self._failure = exc
                self.alarm.report(exc)
                raise
            store.runs.max_runs = self._settings().limits.max_stored_runs
            self.alarm.watch(store)
            self._store = store
        return self._store

    @property
    def opened(self) -> Store | None:
        """The store if it is open now (never opens it)."""
        return self._store

    def apply_settings(self, settings: AppSettings) -> None:
        if self._store is not None:
            self._store.runs.max_runs = settings.limits.max_stored_runs

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class DocumentSession:
    """The experiment open in a window (see the module docstring)."""

    def __init__(self, canvas: Canvas, store: StoreAccess,
                 settings: SettingsController) -> None:
        self.canvas = canvas
        self.store = store
        self.settings_controller = settings
        self.path: Path | None = None
        self.library_id: str | None = None
        self.origin: Origin = "own"

    @property
    def id(self) -> str | None:
        value = self.canvas.base.get("id")
        return str(value) if value else None

    @property
    def dirty(self) -> bool:
        return not self.canvas.undo_stack.isClean()

    @property
    def settings(self) -> AppSettings:
        return self.settings_controller.settings

    def opened(self, *, path: Path | None, library_id: str | None, origin: Origin) -> None:
        """Note where the document now on the canvas came from."""
        self.path, self.library_id, self.origin = path, library_id, origin

    def where(self) -> str:
        """For the status bar: ``Library: ID``, the file's name, or ``Not saved yet``."""
        if self.library_id:
            return f"Library: {self.library_id}"
        return self.path.name if self.path else "Not saved yet"
