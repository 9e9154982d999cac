"""The palette: every registered step type, grouped by category, to drag onto the canvas.

Built from the registry, so custom types from plugins appear beside the
built-in ones with their own colour and icon. A drag carries the type name
(``canvas.editor.step_mime``); double-click or Enter adds the step at the end
of the chain, for keyboard users and for people who do not like dragging.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QMimeData, QModelIndex, QSize, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from orchestrator_gui.core.registry import StepRegistry
from orchestrator_gui.ui import icons
from orchestrator_gui.ui.canvas.editor import Canvas, step_mime

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY_ORDER = ("Data", "Logic", "AI", "Compliance", "Observability", "Integration", "Custom")


class _Model(QStandardItemModel):
    def mimeTypes(self) -> list[str]:
        return ["application/x-orchestrator-step", "text/plain"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        for index in indexes:
            name = index.data(TYPE_ROLE)
            if name:
                return step_mime(str(name))
        return QMimeData()


class Palette(QWidget):
    """Step types by category: drag one onto the canvas, or double-click to append it."""

    def __init__(self, canvas: Canvas, registry: StepRegistry, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.setObjectName("palette")
        self.setAccessibleName("Step palette")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setObjectName("paletteSearch")
        self.search.setPlaceholderText("Filter steps…")
        self.search.setAccessibleName("Filter step types")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        layout.addWidget(self.search)
        self.model = _Model(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("paletteTree")
        self.tree.setAccessibleName("Step types")
        self.tree.setAccessibleDescription(
            "Drag a step type onto the canvas, or press Enter to add it at the end of the chain."
        )
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(22, 22))
        self.tree.setIndentation(10)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.activated.connect(self._activated)
        layout.addWidget(self.tree)
        self.populate(registry)

    def populate(self, registry: StepRegistry) -> None:
        self.model.clear()
        groups = defaultdict(list)
        for step_type in registry:
            groups[step_type.category or "Custom"].append(step_type)
        rank = {name: i for i, name in enumerate(CATEGORY_ORDER)}
        for category in sorted(groups, key=lambda c: (rank.get(c, len(rank)), c)):
            head = QStandardItem(category.upper())
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.setData("category", Qt.ItemDataRole.AccessibleDescriptionRole)
            for step_type in sorted(groups[category], key=lambda t: t.title):
                item = QStandardItem(icons.badge_icon(step_type), step_type.title)
                item.setData(step_type.name, TYPE_ROLE)
                item.setToolTip(step_type.description or step_type.name)
                item.setData(f"{step_type.title} step: {step_type.description}",
                             Qt.ItemDataRole.AccessibleTextRole)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                head.appendRow(item)
            self.model.appendRow(head)
        self.tree.expandAll()

    def type_names(self) -> list[str]:
        """The type names shown, in order (for tests and automation)."""
        out: list[str] = []
        for row in range(self.model.rowCount()):
            head = self.model.item(row)
            out.extend(head.child(i).data(TYPE_ROLE) for i in range(head.rowCount()))
        return out

    def filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.model.rowCount()):
            head = self.model.item(row)
            visible = 0
            for i in range(head.rowCount()):
                child = head.child(i)
                hit = not needle or needle in f"{child.text()} {child.toolTip()} {head.text()}".lower()
                self.tree.setRowHidden(i, head.index(), not hit)
                visible += hit
            self.tree.setRowHidden(row, QModelIndex(), visible == 0)

    def _activated(self, index: QModelIndex) -> None:
        name = index.data(TYPE_ROLE)
        if name:
            self.canvas.add_step(str(name))
