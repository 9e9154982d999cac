"""The library dialog: pick an experiment stored in the local database.

Lists what ``Store.list_experiments`` gives, invalid definitions included (with
their problem, not openable), filterable by name. It is an ordinary QDialog, so
tests select a row and call ``accept()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.store import Store


class LibraryDialog(QDialog):
    """Choose a stored experiment to open; ``chosen_id`` holds the answer."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("library")
        self.setWindowTitle("Open from library")
        self.setAccessibleName("Experiment library")
        self.resize(720, 420)
        self.chosen_id: str | None = None
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter by name or id…")
        self.search.setAccessibleName("Filter experiments")
        self.search.textChanged.connect(self._filter)
        layout.addWidget(self.search)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("libraryTable")
        self.table.setAccessibleName("Stored experiments")
        self.table.setHorizontalHeaderLabels(["Name", "Id", "Steps", "Updated"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for summary in store.list_experiments():
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(summary.name)
            name.setData(Qt.ItemDataRole.UserRole, summary.id)
            updated = str(summary.updated_at)[:16].replace("T", " ")
            cells = [name, QTableWidgetItem(summary.id), QTableWidgetItem(str(summary.step_count)),
                     QTableWidgetItem(updated)]
            for column, cell in enumerate(cells):
                if summary.error:
                    cell.setFlags(Qt.ItemFlag.NoItemFlags)
                    cell.setToolTip(f"Cannot be opened: {summary.error}")
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if self.table.rowCount():
            self.table.selectRow(0)

    def select_id(self, experiment_id: str) -> None:
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 1)
            if cell is not None and cell.text() == experiment_id:
                self.table.selectRow(row)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            hay = " ".join(c.text() for col in (0, 1) if (c := self.table.item(row, col))).lower()
            self.table.setRowHidden(row, bool(needle) and needle not in hay)

    def accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            item = self.table.item(rows[0].row(), 0)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.chosen_id = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
