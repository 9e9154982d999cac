"""Rows for people, JSON as a fallback: the editor of a mapping or a list of names.

A ``dict[str, str]`` config field (a transform's ``mapping``, a webhook's
``headers``) is edited as name/value rows, a ``list[str]`` (``sensitiveFields``)
as a list; rows are added, removed and moved with buttons or keys (Insert,
Delete, Alt+Up/Down). The *JSON* toggle shows the same value as text for
pasting or for values rows cannot hold (then the field opens as JSON).
Cells offer completion from :meth:`RowsEditor.set_completions` — the paths
that reached the step in the run shown — so field names come to the user.

Typing is never reformatted: :meth:`set_value` leaves the rows (or the text)
alone when they already hold the value, as after the user's own edit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core import jsonio

NOT_SET = object()  # the key is absent: the model's default applies (fields.py uses this one)
MAX_ROWS = 500  # more than a person edits by hand: such a value opens as JSON


class _Cells(QStyledItemDelegate):
    """Cell editors that complete from the editor's paths."""

    def __init__(self, owner: RowsEditor) -> None:
        super().__init__(owner)
        self.owner = owner

    def createEditor(self, parent: QWidget | None, option: Any, index: Any) -> QWidget:
        line = QLineEdit(parent)
        completer = QCompleter(self.owner.completions, line)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        line.setCompleter(completer)
        return line


class RowsEditor(QWidget):
    """Name/value rows (``mapping=True``) or a list of texts, with a JSON toggle."""

    changed = Signal()  # a cell or the text changed: validate
    committed = Signal()  # a row was added, removed, moved or a cell finished: apply

    def __init__(self, *, mapping: bool, headers: tuple[str, str] = ("Name", "Value"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mapping = mapping
        self.completions = QStringListModel(self)
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.stack = QStackedWidget(self)
        self.table = QTableWidget(0, 2 if mapping else 1, self)
        self.table.setObjectName("rows")
        self.table.setHorizontalHeaderLabels(list(headers) if mapping else [headers[0]])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegate(_Cells(self))
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(180)  # a form field, not a panel: a long list scrolls
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.table.itemChanged.connect(self._cell_changed)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("rowsJson")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(96)
        self.text.setMaximumHeight(180)
        self.text.textChanged.connect(self._text_changed)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.text)
        layout.addWidget(self.stack)

        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        what = "row" if mapping else "item"
        self.add_button = self._button("+", f"Add a {what} (Insert)", self.add_row)
        self.remove_button = self._button("−", f"Remove the selected {what} (Delete)",
                                          self.remove_row)
        self.up_button = self._button("↑", "Move it up (Alt+Up)", lambda: self.move_row(-1))
        self.down_button = self._button("↓", "Move it down (Alt+Down)", lambda: self.move_row(1))
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.json_button = QToolButton(self)
        self.json_button.setText("JSON")
        self.json_button.setObjectName("jsonToggle")
        self.json_button.setCheckable(True)
        self.json_button.setToolTip("Edit the value as JSON text")
        self.json_button.setAccessibleName("Edit as JSON")
        self.json_button.toggled.connect(self.show_json)
        buttons.addWidget(self.json_button)
        layout.addLayout(buttons)
        self.table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Insert, Delete and Alt+Up/Down on the rows (not while a cell is being edited)."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
            actions = {(Qt.Key.Key_Insert, False): self.add_row,
                       (Qt.Key.Key_Delete, False): self.remove_row,
                       (Qt.Key.Key_Up, True): lambda: self.move_row(-1),
                       (Qt.Key.Key_Down, True): lambda: self.move_row(1)}
            action = actions.get((Qt.Key(key), bool(alt)))
            if action is not None:
                action()
                return True
        return super().eventFilter(watched, event)

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.clicked.connect(slot)
        return button

    # --- rows ---------------------------------------------------------------------------

    def add_row(self) -> None:
        row = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        self._filling = True
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            self.table.setItem(row, column, QTableWidgetItem(""))
        self._filling = False
        self.table.setCurrentCell(row, 0)
        first = self.table.item(row, 0)
        if first is not None:
            self.table.editItem(first)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()
            self.committed.emit()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        self._filling = True
        for column in range(self.table.columnCount()):
            here, there = self.table.takeItem(row, column), self.table.takeItem(target, column)
            self.table.setItem(row, column, there)
            self.table.setItem(target, column, here)
        self._filling = False
        self.table.setCurrentCell(target, self.table.currentColumn())
        self.changed.emit()
        self.committed.emit()

    def _cell_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.changed.emit()
            self.committed.emit()

    def _text_changed(self) -> None:
        if not self._filling:
            self.changed.emit()

    def rows(self) -> list[list[str]]:
        out = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(self.table.columnCount())]
            out.append([cell.text() if cell is not None else "" for cell in cells])
        return out

    # --- value --------------------------------------------------------------------------

    def value(self) -> tuple[Any, str | None]:
        """(value or NOT_SET, problem): the rows, or the JSON text, as a JSON value."""
        return self._text_value() if self.json_button.isChecked() else self._rows_value()

    def _rows_value(self) -> tuple[Any, str | None]:
        rows = [r for r in self.rows() if any(cell.strip() for cell in r)]
        if not rows:
            return NOT_SET, None
        if not self.mapping:
            return [r[0] for r in rows], None
        out: dict[str, str] = {}
        for number, (name, value) in enumerate(rows, start=1):
            if not name.strip():
                return NOT_SET, f"row {number} has a value but no name"
            if name in out:
                return NOT_SET, f"{name!r} is named twice (rows keep one value a name)"
            out[name] = value
        return out, None

    def set_value(self, value: Any) -> None:
        """Show ``value`` (NOT_SET: empty) as rows when rows can hold it, else as JSON."""
        current, problem = self.value()
        if problem is None and same_value(current, value):
            return  # what the user typed already says this: leave it as it is
        if value is not NOT_SET and not self._fits_rows(value):
            self.json_button.setChecked(True)
        self._show_text(value)
        self._fill_rows(value if value is NOT_SET or self._fits_rows(value) else NOT_SET)

    def _show_text(self, value: Any) -> None:
        self._filling = True
        self.text.setPlainText("" if value is NOT_SET else jsonio.dumps_pretty(value))
        self._filling = False

    def _fill_rows(self, value: Any) -> None:
        """The rows of ``value`` (a mapping or list rows can hold; NOT_SET: none)."""
        self._filling = True
        self.table.setRowCount(0)
        if value is not NOT_SET:
            pairs = list(value.items()) if self.mapping else [(v, "") for v in value]
            self.table.setRowCount(len(pairs))
            for row, (name, text_value) in enumerate(pairs):
                self.table.setItem(row, 0, QTableWidgetItem(str(name)))
                if self.mapping:
                    self.table.setItem(row, 1, QTableWidgetItem(str(text_value)))
        self._filling = False

    def _fits_rows(self, value: Any) -> bool:
        if self.mapping:
            return (isinstance(value, dict) and len(value) <= MAX_ROWS
                    and all(isinstance(v, str) for v in value.values()))
        return (isinstance(value, list) and len(value) <= MAX_ROWS
                and all(isinstance(v, str) for v in value))

    def show_json(self, on: bool) -> None:
        """Switch between rows and JSON text, carrying the value across when it is valid."""
        if on:
            value, problem = self._rows_value()
            if problem is None:
                self._show_text(value)
            self.stack.setCurrentWidget(self.text)
        else:
            value, problem = self._text_value()
            if problem is not None or (value is not NOT_SET and not self._fits_rows(value)):
                self.json_button.blockSignals(True)
                self.json_button.setChecked(True)  # rows cannot hold it: stay in JSON
                self.json_button.blockSignals(False)
                return
            self._fill_rows(value)
            self.stack.setCurrentWidget(self.table)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(not on)

    def _text_value(self) -> tuple[Any, str | None]:
        text = self.text.toPlainText()
        if not text.strip():
            return NOT_SET, None
        try:
            return jsonio.parse_json(text.encode("utf-8"), what="value"), None
        except jsonio.JSONProblem as exc:
            return NOT_SET, str(exc)

    def set_completions(self, paths: list[str]) -> None:
        """Offer ``paths`` (dotted, from a run) when a cell is edited."""
        self.completions.setStringList(paths)


def same_value(a: Any, b: Any) -> bool:
    """The same JSON value, of the same type (1 is not 1.0, not true); NOT_SET only itself."""
    if a is NOT_SET or b is NOT_SET:
        return a is b
    return bool(a == b) and type(a) is type(b)
