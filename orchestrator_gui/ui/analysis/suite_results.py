"""A suite run drawn: the pass/fail grid and the per-step heatmap of failures.

The grid has one row per scenario and one column per expectation (the same
expectation text in several scenarios shares a column); a cell is ✓ or ✗
with the value found, or empty when that scenario does not check it. Rows
that fail now but passed in the previous suite run are flagged NEW, rows
that were fixed say so (``core/suites.compare_suite_runs``). The heatmap is
``SuiteRun.heatmap()``: how many failures each step owns, darker = more.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from orchestrator_gui.core.suites import SuiteDelta, SuiteRun
from orchestrator_gui.ui.analysis.style import FAIL, FIXED, MUTED, NEW_FAIL, PASS, short, tinted

FIXED_COLUMNS = ("Scenario", "Result")


class SuiteGrid(QTableWidget):
    """Scenarios × expectations; ``scenario_chosen`` on double-click (its name)."""

    scenario_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suiteGrid")
        self.setAccessibleName("Suite results: scenarios by expectations")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.horizontalHeader().setMinimumSectionSize(70)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.cellDoubleClicked.connect(lambda row, _col: self._chosen(row))
        self.expectations: list[str] = []

    def show_run(self, run: SuiteRun, delta: SuiteDelta | None) -> None:
        self.expectations = list(dict.fromkeys(
            c.expectation for r in run.results for c in r.checks))
        self.clear()
        self.setColumnCount(len(FIXED_COLUMNS) + len(self.expectations))
        self.setRowCount(len(run.results))
        self.setHorizontalHeaderLabels([*FIXED_COLUMNS, *self.expectations])
        new = set(delta.new_failures) if delta else set()
        fixed = set(delta.fixed) if delta else set()
        bold = QFont()
        bold.setBold(True)
        for row, result in enumerate(run.results):
            name = QTableWidgetItem(result.name)
            name.setToolTip(f"{result.name}: run {result.run_id or '—'} ended {result.status}")
            self.setItem(row, 0, name)
            verdict = "✓ pass" if result.passed else "✗ fail"
            color = PASS if result.passed else FAIL
            if result.name in new:
                verdict, color = "✗ NEW failure", NEW_FAIL
            elif result.name in fixed:
                verdict, color = "✓ fixed", FIXED
            cell = QTableWidgetItem(verdict)
            cell.setForeground(QBrush(QColor(color)))
            cell.setFont(bold)
            if result.name in new or result.name in fixed:
                for column in (0, 1):
                    item = name if column == 0 else cell
                    item.setBackground(QBrush(tinted(color, 55)))
            self.setItem(row, 1, cell)
            checks = {c.expectation: c for c in result.checks}
            for column, text in enumerate(self.expectations, start=len(FIXED_COLUMNS)):
                check = checks.get(text)
                if check is None:
                    item = QTableWidgetItem("")
                    item.setBackground(QBrush(QColor("#1a1d23")))
                elif check.passed:
                    item = QTableWidgetItem("✓")
                    item.setForeground(QBrush(QColor(PASS)))
                    item.setToolTip(f"{text}\nfound {short(check.actual)}")
                else:
                    item = QTableWidgetItem(f"✗ {short(check.actual, 24)}")
                    item.setForeground(QBrush(QColor("#ffd1d1")))
                    item.setBackground(QBrush(tinted(FAIL, 70)))
                    owner = f"\nstep: {check.step_id}" if check.step_id else ""
                    item.setToolTip(f"{text}\n{check.message or 'failed'}{owner}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(row, column, item)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(len(FIXED_COLUMNS), self.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            text = self.expectations[column - len(FIXED_COLUMNS)]
            self.setColumnWidth(column, max(90, min(240, self.fontMetrics().horizontalAdvance(
                text) + 30)))
            header_item = self.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(self.expectations[column - len(FIXED_COLUMNS)])

    def verdicts(self) -> dict[str, str]:
        """Scenario name -> the Result cell's text, as shown."""
        out = {}
        for row in range(self.rowCount()):
            name, verdict = self.item(row, 0), self.item(row, 1)
            if name is not None and verdict is not None:
                out[name.text()] = verdict.text()
        return out

    def _chosen(self, row: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.scenario_chosen.emit(item.text())


class Heatmap(QWidget):
    """One cell per step in chain order, shaded by the failures it owns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suiteHeatmap")
        self.setAccessibleName("Failures per step")
        self.cells: list[tuple[str, str, int]] = []  # step id, name, failures
        self.setMinimumHeight(64)

    def show_counts(self, run: SuiteRun) -> None:
        counts = run.heatmap()
        names = dict(zip(run.step_ids, run.step_names, strict=False))
        self.cells = [(step_id, names.get(step_id, step_id), counts.get(step_id, 0))
                      for step_id in run.step_ids]
        desc = ", ".join(f"{name}: {n}" for _id, name, n in self.cells)
        self.setAccessibleDescription(f"Failures per step: {desc}")
        self.setToolTip(desc)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 64)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.cells:
            painter.setPen(QColor(MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Failures per step appear here after a suite run.")
            return
        worst = max(n for *_rest, n in self.cells) or 1
        gap = 6.0
        width = (self.width() - gap * (len(self.cells) + 1)) / len(self.cells)
        small, big = QFont(), QFont()
        small.setPointSizeF(8.5)
        big.setPointSizeF(11)
        big.setBold(True)
        for index, (_step_id, name, count) in enumerate(self.cells):
            rect = QRectF(gap + index * (width + gap), 4, width, self.height() - 8)
            fill = tinted(FAIL, int(40 + 200 * count / worst)) if count else QColor("#22302a")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(QColor("#ffffff") if count else QColor("#8ee6b0"))
            painter.setFont(big)
            painter.drawText(rect.adjusted(0, 4, 0, -rect.height() / 2), Qt.AlignmentFlag.AlignCenter,
                             f"{count} ✗" if count else "0")
            painter.setFont(small)
            painter.setPen(QColor("#d7dbe3"))
            label = painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight,
                                                     int(rect.width()) - 8)
            painter.drawText(rect.adjusted(4, rect.height() / 2, -4, -4),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.end()

