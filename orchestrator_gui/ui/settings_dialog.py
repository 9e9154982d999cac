"""The Settings window: limits, network policy and language-model endpoints.

Why it exists: ``settings.json`` (core/settings.py) decides how long steps may
run, where data may be sent and which model servers prompt chains use; a user
should not need a text editor for that. The dialog edits a copy, validates it
with the same model the core loads (so a value the core would refuse cannot be
saved), and writes it with ``AppSettings.save`` (atomic). ``saved`` carries the
new settings so the running app applies them at once (SettingsController).

It is non-modal (``show()``): "Test connection" awaits a server while the
window, and the dialog, keep working; never ``exec()`` in async code
(docs/architecture.md, "Stack traps").
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.jsonio import human_size
from orchestrator_gui.core.settings import AppSettings, SettingsError
from orchestrator_gui.ui.endpoints_editor import EndpointsEditor

POLICIES = [
    ("any", "Any host (default)",
     "Steps may send data anywhere."),
    ("public-only", "Public internet only",
     "Refuses loopback, private, link-local and cloud-metadata addresses, checked on the "
     "address actually connected to. Entries below are exceptions (e.g. a local model server)."),
    ("allow-list", "Only the hosts listed below",
     "Steps may reach the entries below and nothing else."),
]
ALLOW_HELP = ("One entry per line: example.com, *.example.com, example.com:8443, 10.0.0.5, "
              "[::1]:8080, 10.0.0.0/8")


class SettingsDialog(QDialog):
    """Edit and save the app settings; ``saved(AppSettings)`` once they are written."""

    saved = Signal(object)

    def __init__(self, settings: AppSettings, path: Path, parent: QWidget | None = None, *,
                 unreadable: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.resize(760, 500)
        self.settings = settings
        self.path = path
        self.unreadable = unreadable  # why the file on disk could not be read, if it could not
        layout = QVBoxLayout(self)
        if unreadable:
            warning = QLabel(f"{unreadable}\n\nShowing the defaults. The unreadable file is kept "
                             f"as {path.name}.unreadable when you save.", self)
            warning.setObjectName("unreadableWarning")
            warning.setProperty("role", "error")
            warning.setWordWrap(True)
            layout.addWidget(warning)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(self._limits_page(), "Limits")
        self.tabs.addTab(self._network_page(), "Network")
        self.endpoints = EndpointsEditor(
            {n: e.model_dump(mode="json", by_alias=True) for n, e in settings.endpoints.items()})
        self.tabs.addTab(self.endpoints, "Language models")
        layout.addWidget(self.tabs, 1)
        self.problem = QLabel(self)
        self.problem.setObjectName("settingsProblem")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

    # --- pages ----------------------------------------------------------------------

    def _limits_page(self) -> QWidget:
        own = self.settings.limits
        page = QWidget(self)
        form = QFormLayout(page)
        self.step_timeout = self._seconds("stepTimeout", own.step_timeout_seconds)
        self.run_timeout = self._seconds("runTimeout", own.run_timeout_seconds)
        self.max_payload = self._count("maxPayload", own.max_payload_bytes, 1, 2**31 - 1, " bytes")
        self.payload_size = QLabel(human_size(own.max_payload_bytes), page)
        self.max_payload.valueChanged.connect(lambda v: self.payload_size.setText(human_size(v)))
        self.max_concurrent = self._count("maxConcurrent", own.max_concurrent_runs, 1, 100, "")
        self.max_stored = self._count("maxStored", own.max_stored_runs, 1, 10_000_000, "")
        form.addRow("Step time limit", self.step_timeout)
        form.addRow("Run time limit", self.run_timeout)
        form.addRow("Largest payload", self.max_payload)
        form.addRow("", self.payload_size)
        form.addRow("Runs at once", self.max_concurrent)
        form.addRow("Runs kept in history", self.max_stored)
        note = QLabel("Each is both the default and the most an experiment may ask for. "
                      "Runs already going keep the limits they started with.", page)
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _seconds(self, name: str, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setAccessibleName(name)
        box.setRange(0.1, 86_400.0)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def _count(self, name: str, value: int, low: int, high: int, suffix: str) -> QSpinBox:
        box = QSpinBox(self)
        box.setObjectName(name)
        box.setAccessibleName(name)
        box.setRange(low, high)
        box.setSuffix(suffix)
        box.setGroupSeparatorShown(True)
        box.setValue(value)
        return box

    def _network_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.policy = QComboBox(page)
        self.policy.setObjectName("networkPolicy")
        self.policy.setAccessibleName("Network policy")
        for value, label, _help in POLICIES:
            self.policy.addItem(label, value)
        self.policy_help = QLabel(page)
        self.policy_help.setWordWrap(True)
        self.policy.currentIndexChanged.connect(
            lambda i: self.policy_help.setText(POLICIES[i][2]))
        self.policy.setCurrentIndex([p[0] for p in POLICIES].index(self.settings.network.policy))
        self.policy_help.setText(POLICIES[self.policy.currentIndex()][2])
        self.allow = QPlainTextEdit("\n".join(self.settings.network.allow), page)
        self.allow.setObjectName("allowList")
        self.allow.setAccessibleName("Allowed hosts")
        self.allow.setPlaceholderText(ALLOW_HELP)
        form.addRow("Steps may send data to", self.policy)
        form.addRow("", self.policy_help)
        form.addRow("Allowed hosts", self.allow)
        hint = QLabel(ALLOW_HELP, page)
        hint.setWordWrap(True)
        form.addRow("", hint)
        return page

    # --- saving ---------------------------------------------------------------------

    def edited(self) -> AppSettings:
        """The settings as edited; ``SettingsError`` naming the key when one is not valid."""
        data: dict[str, Any] = self.settings.model_dump(mode="json", by_alias=True)
        data["limits"] = {
            "stepTimeoutSeconds": self.step_timeout.value(),
            "runTimeoutSeconds": self.run_timeout.value(),
            "maxPayloadBytes": self.max_payload.value(),
            "maxConcurrentRuns": self.max_concurrent.value(),
            "maxStoredRuns": self.max_stored.value(),
        }
        allow = [line.strip() for line in self.allow.toPlainText().splitlines() if line.strip()]
        data["network"] = {"policy": self.policy.currentData(), "allow": allow}
        data["endpoints"], problems = self.endpoints.endpoints_data()
        if problems:
            raise SettingsError("; ".join(problems))
        return AppSettings.from_data(data, source="settings")

    def save(self) -> AppSettings | None:
        """Validate, write atomically, emit ``saved`` and close; None (reason shown) if not."""
        try:
            new = self.edited()
        except SettingsError as exc:
            self._refuse(str(exc))
            return None
        try:
            if self.unreadable and self.path.exists():
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".unreadable"))
            new.save(self.path)
        except OSError as exc:
            self._refuse(f"Could not write {self.path}: {exc.strerror or exc}. "
                         "Nothing was changed; check the folder can be written.")
            return None
        self.settings, self.unreadable = new, None
        self.problem.hide()
        self.saved.emit(new)
        self.accept()
        return new

    def _refuse(self, text: str) -> None:
        self.problem.setText(f"Not saved: {text}")
        self.problem.show()

    def done(self, result: int) -> None:
        self.endpoints.cancel_tests()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.endpoints.cancel_tests()
        super().closeEvent(event)
