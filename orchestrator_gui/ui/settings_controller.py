"""The app's settings while it runs: loaded once, edited in the Settings window, applied live.

Why it exists: the engine (run_wiring) and the store are created when the
window is; a user who changes a time limit, the network policy or an endpoint
expects the next run to use it, without a restart. This object holds the
current ``AppSettings``, opens the Settings window, and on save emits
``changed``: the run experience hands the new settings to the engine
(``Engine.apply_settings``: runs already going keep theirs) and the store
access to the store (how many runs history keeps).

A settings file that cannot be read is never replaced behind the user's back:
the app runs on defaults, says which file and key are wrong, and offers the
Settings window on the defaults; the bad file is kept (``settings.json.unreadable``)
when the user saves.

It also explains, in plain words, what to set when an experiment names a
language-model endpoint this machine does not have (the shipped
``ai-prompt-chain-llm`` example does, on a fresh install).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from orchestrator_gui.core.llm.endpoints import EXAMPLE_BASE_URL, EXAMPLE_MODEL
from orchestrator_gui.core.settings import AppSettings, SettingsError, settings_path
from orchestrator_gui.ui.host import ShowMessage
from orchestrator_gui.ui.settings_dialog import SettingsDialog


def missing_endpoints(experiment: Any, settings: AppSettings) -> list[str]:
    """Endpoint names the experiment's steps use that ``settings`` does not define."""
    names = set()
    for step in experiment.steps:
        config = step.config if isinstance(step.config, dict) else {}
        name = config.get("endpoint")
        if isinstance(name, str) and name and name not in settings.endpoints:
            names.add(name)
    return sorted(names)


def explain_missing(experiment_name: str, names: list[str]) -> str:
    quoted = ", ".join(f"“{n}”" for n in names)
    one = len(names) == 1
    return (
        f"“{experiment_name}” asks a language model through {'an endpoint' if one else 'endpoints'}"
        f" called {quoted}, not set up on this computer yet, so it cannot run. "
        f"Open Settings → Language models, add {'an endpoint' if one else 'endpoints'} named "
        f"{quoted} with the address of an OpenAI-compatible server (a local Ollama: "
        f"{EXAMPLE_BASE_URL}, model {EXAMPLE_MODEL}), press “Test connection”, then Save."
    )


class SettingsController(QObject):
    """Holds the current settings, opens the Settings window and applies what it saves."""

    changed = Signal(object)  # AppSettings, after a save

    def __init__(self, window: QWidget, show_message: ShowMessage) -> None:
        super().__init__(window)
        self.window = window  # the parent of its dialogs
        self.show_message = show_message
        self.path = settings_path()
        self.problem: str | None = None
        self._problem_shown = False
        self.dialog: SettingsDialog | None = None
        self.question: QMessageBox | None = None
        self.settings = self._load()

    def _load(self) -> AppSettings:
        try:
            loaded = AppSettings.load(self.path)
        except SettingsError as exc:
            self.problem = str(exc)
            return AppSettings()
        self.problem = None
        return loaded

    # --- the Settings window ------------------------------------------------------------

    def open_dialog(self, *, endpoint: str | None = None) -> SettingsDialog | None:
        """Show the Settings window (on the file as it is now); on ``endpoint`` when given.

        When the file cannot be read, first ask whether to open the defaults
        (``question``, answered through ``open()``: no nested event loop).
        """
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            self._focus_endpoint(self.dialog, endpoint)
            return self.dialog
        settings = self._load()
        if self.problem is not None:
            self._ask_defaults(endpoint)
            return None
        return self._show(settings, endpoint, unreadable=None)

    def _ask_defaults(self, endpoint: str | None) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Settings file cannot be read",
                          f"{self.problem}\n\nOpen the Settings window on the defaults? The file "
                          "stays as it is until you save (it is then kept beside the new one as "
                          f"{self.path.name}.unreadable).", parent=self.window)
        box.setObjectName("settingsUnreadable")
        box.addButton("Open defaults", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        problem = self.problem

        def answered(result: int) -> None:
            chosen = box.clickedButton()
            if chosen is not None and box.buttonRole(chosen) == QMessageBox.ButtonRole.AcceptRole:
                self._show(AppSettings(), endpoint, unreadable=problem)
            self.question = None
            box.deleteLater()

        box.finished.connect(answered)
        self.question = box
        box.open()

    def _show(self, settings: AppSettings, endpoint: str | None, *,
              unreadable: str | None) -> SettingsDialog:
        dialog = SettingsDialog(settings, self.path, self.window, unreadable=unreadable)
        dialog.saved.connect(lambda settings: self.apply(settings))
        dialog.finished.connect(dialog.deleteLater)
        self._focus_endpoint(dialog, endpoint)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _focus_endpoint(self, dialog: SettingsDialog, name: str | None) -> None:
        if name is None:
            return
        dialog.tabs.setCurrentWidget(dialog.endpoints)
        if not dialog.endpoints.select(name):
            dialog.endpoints.add_endpoint(name, EXAMPLE_BASE_URL, EXAMPLE_MODEL)

    # --- applying -----------------------------------------------------------------------

    def apply(self, settings: AppSettings) -> None:
        """Use ``settings`` from now on; ``changed`` tells whoever applies them (the engine's
        next runs, history's retention)."""
        self.settings, self.problem, self._problem_shown = settings, None, False
        self.changed.emit(settings)
        self.show_message(f"Settings saved to {self.path}. New runs use them.", "success")

    # --- explaining -----------------------------------------------------------------------

    def after_open(self, experiment: Any) -> None:
        """Called when an experiment is opened: say what is missing for it to run."""
        if self.problem is not None and not self._problem_shown:
            self._problem_shown = True
            self.show_message(
                f"The settings file could not be read, so the app uses the defaults: "
                f"{self.problem}", "error", action=("Open settings", self.open_dialog))
            return
        self.explain_missing_endpoints(experiment)

    def explain_missing_endpoints(self, experiment: Any) -> bool:
        """Show what to set (with "Open settings") when endpoints are missing; True if shown."""
        names = missing_endpoints(experiment, self.settings)
        if not names:
            return False
        self.show_message(
            explain_missing(experiment.name, names), "warning",
            action=("Open settings", lambda: self.open_dialog(endpoint=names[0])))
        return True
