"""The "Language models" page of the settings: named endpoints, and "Test connection".

Why it exists: a prompt chain names an endpoint (``"endpoint": "local"``) and
this machine's settings say what that means (docs/ai.md). Here a user adds,
edits and removes those named connections, and checks one before saving:
"Test connection" runs ``core.llm.probe.test_endpoint`` on the app's event
loop (qasync), so the window keeps painting while the request is out.

An API key is never typed in here: the field takes ``${secret:NAME}`` or
``${env:NAME}`` only, and a raw key is refused with a message saying what to
write instead (settings.json is plain text).
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from orchestrator_gui.core.llm.endpoints import EXAMPLE_BASE_URL, EXAMPLE_MODEL
from orchestrator_gui.core.llm.probe import EndpointCheck, test_endpoint
from orchestrator_gui.core.secrets import check_references
from orchestrator_gui.core.settings import AppSettings, SettingsError

RAW_KEY_MESSAGE = (
    "apiKey: write where the key is kept, not the key itself — ${secret:NAME} (the OS "
    "keyring; add it with: keyring set orchestrator-gui NAME) or ${env:NAME} (an "
    "environment variable). settings.json is plain text, so a key typed here is refused."
)


def api_key_problem(value: str) -> str | None:
    """Why ``value`` cannot be an endpoint's apiKey (a raw key, a bad reference), else None."""
    text = value.strip()
    if not text:
        return None
    try:
        refs = check_references(text)
    except ValueError as exc:
        return f"apiKey: {exc}"
    if len(refs) == 1 and refs[0].text == text:
        return None
    return RAW_KEY_MESSAGE


def describe_check(check: EndpointCheck) -> str:
    if check.ok:
        latency = f"{check.latency_ms:.0f} ms" if check.latency_ms is not None else "?"
        return f"✓ {check.name}: ok, model {check.model!r} answered in {latency} ({check.url})"
    return f"✗ {check.name}: failed: {check.reason}"


class EndpointsEditor(QWidget):
    """Add, edit, remove and test named language-model endpoints (``rows`` holds them)."""

    def __init__(self, endpoints: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("endpointsEditor")
        self.rows: list[dict[str, Any]] = [
            {"name": name, **data} for name, data in sorted(endpoints.items())]
        self.tests: set[asyncio.Task[EndpointCheck]] = set()
        self._filling = False

        self.names = QListWidget(self)
        self.names.setObjectName("endpointList")
        self.names.setAccessibleName("Endpoints")
        self.names.currentRowChanged.connect(self._show_row)
        add = QPushButton("Add", self)
        add.setObjectName("addEndpoint")
        add.clicked.connect(lambda: self.add_endpoint())
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("removeEndpoint")
        self.remove_button.clicked.connect(self.remove_current)
        left = QVBoxLayout()
        left.addWidget(self.names, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)

        self.name = self._line("endpointName", "Name", "local")
        self.base_url = self._line("endpointBaseUrl", "Base URL", EXAMPLE_BASE_URL)
        self.model = self._line("endpointModel", "Model", EXAMPLE_MODEL)
        self.api_key = self._line("endpointApiKey", "API key", "${env:NAME} or ${secret:NAME}")
        self.timeout = QDoubleSpinBox(self)
        self.timeout.setObjectName("endpointTimeout")
        self.timeout.setAccessibleName("Timeout in seconds")
        self.timeout.setRange(0.5, 3600.0)
        self.timeout.setDecimals(1)
        self.timeout.setSuffix(" s")
        self.timeout.valueChanged.connect(lambda v: self._edit("timeoutSeconds", v))
        self.test_button = QPushButton("Test connection", self)
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(lambda: self.test_connection())
        self.result = QLabel(self)
        self.result.setObjectName("testResult")
        self.result.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("endpointProblem")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.form_box = QWidget(self)
        form = QFormLayout(self.form_box)
        form.addRow("Name", self.name)
        form.addRow("Base URL", self.base_url)
        form.addRow("Model", self.model)
        form.addRow("API key", self.api_key)
        form.addRow("Timeout", self.timeout)
        form.addRow(self.problem)
        form.addRow(self.test_button)
        form.addRow(self.result)

        row = QHBoxLayout(self)
        row.addLayout(left, 2)
        row.addWidget(self.form_box, 5)
        for item in self.rows:
            self.names.addItem(item["name"])
        self.names.setCurrentRow(0 if self.rows else -1)
        self._show_row(self.names.currentRow())

    def _line(self, name: str, label: str, placeholder: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setObjectName(name)
        line.setAccessibleName(label)
        line.setPlaceholderText(placeholder)
        key = {"endpointName": "name", "endpointBaseUrl": "baseUrl", "endpointModel": "model",
               "endpointApiKey": "apiKey"}[name]
        line.textChanged.connect(lambda text: self._edit(key, text))
        return line

    # --- rows -----------------------------------------------------------------------

    def current(self) -> dict[str, Any] | None:
        index = self.names.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def add_endpoint(self, name: str | None = None, base_url: str = "", model: str = "") -> None:
        taken = {r["name"] for r in self.rows}
        name = name or next(f"endpoint-{n}" for n in range(1, 1000) if f"endpoint-{n}" not in taken)
        self.rows.append({"name": name, "baseUrl": base_url, "model": model})
        self.names.addItem(name)
        self.names.setCurrentRow(len(self.rows) - 1)
        self.name.setFocus()

    def remove_current(self) -> None:
        index = self.names.currentRow()
        if 0 <= index < len(self.rows):
            del self.rows[index]
            self.names.takeItem(index)
            self._show_row(self.names.currentRow())

    def select(self, name: str) -> bool:
        for index, row in enumerate(self.rows):
            if row["name"] == name:
                self.names.setCurrentRow(index)
                return True
        return False

    def _show_row(self, index: int) -> None:
        row = self.rows[index] if 0 <= index < len(self.rows) else None
        self.form_box.setEnabled(row is not None)
        self.remove_button.setEnabled(row is not None)
        self._filling = True
        self.name.setText(row["name"] if row else "")
        self.base_url.setText(row.get("baseUrl", "") if row else "")
        self.model.setText(row.get("model", "") if row else "")
        self.api_key.setText((row.get("apiKey") or "") if row else "")
        self.timeout.setValue(float(row.get("timeoutSeconds", 30.0)) if row else 30.0)
        self._filling = False
        self.result.clear()
        self._check_key()

    def _edit(self, key: str, value: Any) -> None:
        row = self.current()
        if self._filling or row is None:
            return
        row[key] = value.strip() if isinstance(value, str) else value
        if key == "name":
            item = self.names.currentItem()
            if item is not None:
                item.setText(row["name"])
        if key == "apiKey":
            self._check_key()

    def _check_key(self) -> None:
        text = api_key_problem(self.api_key.text()) or ""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.api_key.setProperty("invalid", bool(text))
        self.api_key.style().unpolish(self.api_key)
        self.api_key.style().polish(self.api_key)

    # --- what gets saved ------------------------------------------------------------------

    def endpoints_data(self) -> tuple[dict[str, Any], list[str]]:
        """The endpoints as settings.json has them, and the problems that stop a save."""
        data: dict[str, Any] = {}
        problems: list[str] = []
        for row in self.rows:
            name = row["name"]
            where = f"endpoints.{name or '(no name)'}"
            if not name:
                problems.append(f"{where}: give the endpoint a name (steps choose it by name)")
            elif name in data:
                problems.append(f"{where}: two endpoints have this name")
            if key_problem := api_key_problem(row.get("apiKey") or ""):
                problems.append(f"{where}.{key_problem}")
            entry: dict[str, Any] = {k: row[k] for k in ("baseUrl", "model", "timeoutSeconds") if k in row}
            if row.get("apiKey"):
                entry["apiKey"] = row["apiKey"]
            data[name] = entry
        return data, problems

    # --- test connection ------------------------------------------------------------------

    def test_connection(self) -> asyncio.Task[EndpointCheck] | None:
        """Test the endpoint shown (as edited, saved or not) without blocking the window."""
        row = self.current()
        if row is None:
            return None
        name = row["name"] or "endpoint"
        entry: dict[str, Any] = {k: row[k] for k in ("baseUrl", "model", "timeoutSeconds") if k in row}
        if problem := api_key_problem(row.get("apiKey") or ""):
            self._show_result(f"✗ {problem}", ok=False)
            return None
        if row.get("apiKey"):
            entry["apiKey"] = row["apiKey"]
        try:
            settings = AppSettings.from_data({"endpoints": {name: entry}}, source="this endpoint")
            loop = asyncio.get_running_loop()
        except SettingsError as exc:
            self._show_result(f"✗ {exc}", ok=False)
            return None
        except RuntimeError:  # no qasync loop (never in the app)
            self._show_result("✗ cannot test here: the app's event loop is not running", ok=False)
            return None
        self.test_button.setEnabled(False)
        self.result.setText(f"Testing {name} …")
        task = loop.create_task(self._run_test(settings, name))
        self.tests.add(task)
        task.add_done_callback(self.tests.discard)
        return task

    async def _run_test(self, settings: AppSettings, name: str) -> EndpointCheck:
        check = await test_endpoint(settings, name)
        if isValid(self):  # the dialog may have been closed meanwhile
            self.test_button.setEnabled(True)
            self._show_result(describe_check(check), ok=check.ok)
        return check

    def _show_result(self, text: str, *, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #6ee7a8;" if ok else "color: #ff8a8a;")

    def cancel_tests(self) -> None:
        for task in list(self.tests):
            task.cancel()
