"""A list of JSON changes by path, grouped in sections and coloured by kind.

The comparison view shows three of these (a step's input/output/config, the
run's input and output, the experiment): added green, removed red, changed
amber, with the value on each side. Volatile changes (timestamps, run ids,
durations: ``core/jsondiff.VOLATILE_KEYS``) are greyed and hidden until asked
for, because they differ between any two runs and say nothing about behaviour.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from orchestrator_gui.core.jsondiff import Change
from orchestrator_gui.ui.analysis.style import KIND_COLORS, KIND_MARKS, MUTED, short

HEADERS = ("Path", "Change", "A (before)", "B (after)")


class ChangesTree(QTreeWidget):
    """Sections of changes: ``show_sections([("Output", changes), ...])``."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setHeaderLabels(list(HEADERS))
        self.setColumnWidth(0, 200)
        self.setColumnWidth(1, 82)
        self.setColumnWidth(2, 180)
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(True)
        self.show_volatile = False
        self._sections: list[tuple[str, list[Change]]] = []
        self._empty = ""

    def show_sections(self, sections: list[tuple[str, list[Change]]], empty: str) -> None:
        self._sections, self._empty = sections, empty
        self._fill()

    def set_show_volatile(self, on: bool) -> None:
        self.show_volatile = on
        self._fill()

    def change_items(self) -> list[QTreeWidgetItem]:
        """The rows of changes shown (section headers left out), for tests and automation."""
        out: list[QTreeWidgetItem] = []
        for i in range(self.topLevelItemCount()):
            section = self.topLevelItem(i)
            if section is not None:
                out.extend(c for j in range(section.childCount())
                           if (c := section.child(j)) is not None)
        return out

    def _fill(self) -> None:
        self.clear()
        bold = QFont()
        bold.setBold(True)
        for title, changes in self._sections:
            shown = [c for c in changes if self.show_volatile or not c.volatile]
            if not shown:
                continue
            hidden = len(changes) - len(shown)
            label = f"{title}  ({len(shown)})" + (f"  · {hidden} volatile hidden" if hidden else "")
            section = QTreeWidgetItem(self, [label])
            section.setFirstColumnSpanned(True)
            section.setFont(0, bold)
            for change in shown:
                self._row(section, change)
            section.setExpanded(True)
        if self.topLevelItemCount() == 0:
            item = QTreeWidgetItem(self, [self._empty])
            item.setFirstColumnSpanned(True)
            item.setForeground(0, QBrush(QColor(MUTED)))

    @staticmethod
    def _row(section: QTreeWidgetItem, change: Change) -> None:
        before = "" if change.kind == "added" else short(change.before)
        after = "" if change.kind == "removed" else short(change.after)
        item = QTreeWidgetItem(section, [f"{KIND_MARKS[change.kind]} {change.path}",
                                         change.kind, before, after])
        color = QColor(MUTED if change.volatile else KIND_COLORS[change.kind])
        for column in (0, 1):
            item.setForeground(column, QBrush(color))
        if change.kind == "removed":
            item.setForeground(2, QBrush(color))
        elif change.kind == "added":
            item.setForeground(3, QBrush(color))
        if change.volatile:
            item.setToolTip(0, "Differs between any two runs (time, id, duration): "
                               "not counted as a divergence.")
            font = item.font(0)
            font.setItalic(True)
            item.setFont(0, font)
        else:
            item.setToolTip(2, short(change.before, 2000))
            item.setToolTip(3, short(change.after, 2000))
