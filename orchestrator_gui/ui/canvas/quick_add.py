"""Search-to-add: press Tab on the canvas, type part of a step's name, press Enter.

NodeGraphQt has its own tab search, but it lists class identifiers in a menu
tree; this one lists what the palette shows (title, category, icon) and adds
the step where the pointer is, or in the middle of the view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QCursor, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from orchestrator_gui.ui import icons
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.nodes import StepNode


class QuickAdd(QFrame):
    """A small search box over the canvas that adds the chosen step type."""

    def __init__(self, canvas: Canvas) -> None:
        super().__init__(canvas.view)
        self.canvas = canvas
        self.setObjectName("quickAdd")
        self.setAccessibleName("Add a step by name")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Add step…  (type to search, Enter to add)")
        self.search.setAccessibleName("Step type to add")
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Matching step types")
        self.list.setIconSize(QSize(20, 20))
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        for step_type in sorted(canvas.registry, key=lambda t: (t.category, t.title)):
            item = QListWidgetItem(icons.badge_icon(step_type),
                                   f"{step_type.title}    {step_type.category}")
            item.setData(Qt.ItemDataRole.UserRole, step_type.name)
            item.setToolTip(step_type.description)
            self.list.addItem(item)
        self.resize(320, 260)
        self.hide()
        self._at = QPoint()
        self._after: StepNode | None = None
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Tab), canvas.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.popup)

    def popup(self, after: StepNode | None = None) -> None:
        """Show the search box; the step chosen goes where the pointer is, or (``after``)
        into the chain right after that step."""
        self._after = after
        view = self.canvas.view
        cursor = view.mapFromGlobal(QCursor.pos())
        inside = view.rect().contains(cursor)
        self._at = cursor if inside else view.rect().center()
        x = min(max(0, self._at.x() - self.width() // 2), max(0, view.width() - self.width()))
        y = min(max(0, self._at.y() - 20), max(0, view.height() - self.height()))
        self.move(x, y)
        self.search.clear()
        self._filter("")
        self.show()
        self.raise_()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in (
                f"{item.text()} {item.data(Qt.ItemDataRole.UserRole)}".lower()
            )
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key == Qt.Key.Key_Escape:
                self.dismiss()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = self.list.currentRow()
                while 0 <= row + step < self.list.count():
                    row += step
                    if not self.list.item(row).isHidden():
                        self.list.setCurrentRow(row)
                        break
                return True
        return False

    def accept(self) -> StepNode | None:
        item = self.list.currentItem()
        self.dismiss()
        if item is None or item.isHidden():
            return None
        if self._after is not None and self._after.graph is not None:
            return self.canvas.insert_after(self._after, str(item.data(Qt.ItemDataRole.UserRole)))
        scene = self.canvas.view.mapToScene(self._at)
        return self.canvas.add_step(str(item.data(Qt.ItemDataRole.UserRole)),
                                    pos=(scene.x() - 110, scene.y() - 34))

    def dismiss(self) -> None:
        self.hide()
        self.canvas.view.setFocus()
