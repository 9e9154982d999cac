"""The inspector: what one step received and produced in the run shown on the canvas.

Input and output are collapsible JSON trees (large payloads are cut off at
``MAX_ITEMS`` tree rows so a 10 MB output cannot freeze the window; "Copy"
always copies the whole value as pretty JSON). Duration, status, the error
and the step's log lines sit alongside.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.status import StepStatus
from orchestrator_gui.ui import status_style
from orchestrator_gui.ui.shown_run import StepView
from orchestrator_gui.ui.status_style import format_duration

MAX_ITEMS = 2000


def scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return jsonio.dumps(value).decode("utf-8")
    if isinstance(value, dict):
        return f"{{…}} {len(value)} key{'s' * (len(value) != 1)}"
    if isinstance(value, list):
        return f"[…] {len(value)} item{'s' * (len(value) != 1)}"
    return jsonio.dumps(value).decode("utf-8")


class JsonTree(QWidget):
    """A JSON value as an expandable tree with a Copy button."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: Any = None
        self.tree = QTreeWidget(self)
        self.tree.setObjectName(f"{name}Tree")
        self.tree.setAccessibleName(f"Step {name} as a tree")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 160)
        self.tree.setUniformRowHeights(True)
        self.copy_button = QPushButton("Copy JSON", self)
        self.copy_button.setObjectName(f"copy{name.capitalize()}Button")
        self.copy_button.setAccessibleName(f"Copy the step's {name} as JSON")
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.tree, 1)
        column.addLayout(row)

    def set_value(self, value: Any) -> None:
        self.value = value
        self.tree.clear()
        budget = [MAX_ITEMS]
        root = self.tree.invisibleRootItem()
        if isinstance(value, dict | list):
            self._fill(root, value, budget)
        else:
            root.addChild(QTreeWidgetItem(["(value)", scalar_text(value)]))
        self.tree.expandToDepth(1)
        self.copy_button.setEnabled(value is not None)

    def copy(self) -> str:
        text = jsonio.dumps_pretty(self.value)
        QGuiApplication.clipboard().setText(text)
        return text

    def _fill(self, parent: QTreeWidgetItem, value: Any, budget: list[int]) -> None:
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for count, (key, child) in enumerate(pairs):
            if budget[0] <= 0:
                total = len(value)
                parent.addChild(QTreeWidgetItem(["…", f"{total - count} more not shown (Copy "
                                                      "JSON has everything)"]))
                return
            budget[0] -= 1
            item = QTreeWidgetItem([str(key), scalar_text(child)])
            parent.addChild(item)
            if isinstance(child, dict | list) and child:
                self._fill(item, child, budget)


class Inspector(QWidget):
    """Shows one step of the shown run (ui/shown_run.py's ``StepView``) or a hint when
    there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setAccessibleName("Step inspector")
        self.step: StepView | None = None
        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.title.setAccessibleName("Inspected step")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel(self)
        self.summary.setObjectName("inspectorSummary")
        self.summary.setAccessibleName("Status and duration")
        self.error = QLabel(self)
        self.error.setObjectName("inspectorError")
        self.error.setAccessibleName("Step error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setStyleSheet("color: #f05252; padding: 4px; border: 1px solid #5a2a2a;"
                                 " border-radius: 4px;")
        self.input_view = JsonTree("input", self)
        self.output_view = JsonTree("output", self)
        self.logs = QListWidget(self)
        self.logs.setObjectName("inspectorLogs")
        self.logs.setAccessibleName("Log lines the step wrote")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inspectorTabs")
        self.tabs.setAccessibleName("Step input, output and logs")
        self.tabs.addTab(self.input_view, "Input")
        self.tabs.addTab(self.output_view, "Output")
        self.tabs.addTab(self.logs, "Logs")
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addWidget(self.error)
        column.addWidget(self.tabs, 1)
        self.show_step(None)

    def show_step(self, step: StepView | None, hint: str | None = None) -> None:
        self.step = step
        if step is None:
            self.title.setText("<b>No step data</b>")
            self.summary.setText(hint or "Run the experiment, then click a step to see what it "
                                         "received and produced.")
            self.error.hide()
            self.input_view.set_value(None)
            self.output_view.set_value(None)
            self.logs.clear()
            return
        status = step.status
        color = status_style.color(status)
        self.title.setText(f"<b>{_html(step.name)}</b>"
                           f"&nbsp;<span style='color:#98a1b3'>{_html(step.type)}"
                           f" · {_html(step.id)}</span>")
        self.summary.setText(f"<span style='color:{color}'>{status_style.mark(status)} {status}</span>"
                             f" · {format_duration(step.duration_ms)}")
        error = step.error
        self.error.setVisible(bool(error))
        if error:
            self.error.setText(f"{error.get('type', 'Error')}: {error.get('message', '')}")
        self.input_view.set_value(step.input)
        self.output_view.set_value(step.output)
        self.logs.clear()
        for line in step.logs:
            self.logs.addItem(f"{line.get('time', '')[11:23]}  {line.get('level', '').upper():7}"
                              f" {line.get('message', '')}")
        if error:
            self.tabs.setCurrentWidget(self.logs if not step.output else self.output_view)
        elif status == StepStatus.SUCCESS:
            self.tabs.setCurrentWidget(self.output_view)


def _html(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
