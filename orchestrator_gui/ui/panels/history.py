"""Run history (right dock): the open experiment's runs, newest first, from the store.

The rows are a ``QAbstractTableModel`` over plain ``RunSummary`` tuples, so a
thousand runs cost one query and no widget per row. Selecting a row asks for
that run to be redrawn on the canvas; "Run again" and "Delete" act on it.
The list refreshes itself (coalesced) when a run's start or end has been
written to the store (``on_run_stored``, on the UI thread). Runs that could not
be written (``unsaved``, ui/unsaved_runs.py) are listed from memory, marked
"not saved". The main window
``hold()``s it until it is first painted, so the store is not opened on the way
to the first window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from orchestrator_gui.core.errors import OrchestratorError
from orchestrator_gui.core.events import RunLifeEvent
from orchestrator_gui.core.result import RUN_STATUSES
from orchestrator_gui.ui.status_style import color, format_duration, look

if TYPE_CHECKING:  # the store's module would pull SQLAlchemy into the app's start
    from orchestrator_gui.store.models import RunSummary

COLUMNS = ("Time", "Scenario", "Status", "Duration")
MAX_ROWS = 1000
Index = QModelIndex | QPersistentModelIndex


def _newer(listed: RunSummary, run: RunSummary) -> bool:
    """Whether ``listed`` stays above ``run`` (started later; ties: the new run on top)."""
    if listed.started_at is None or run.started_at is None:
        return run.started_at is None and listed.started_at is not None
    return listed.started_at > run.started_at


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Cells = dict[int, tuple[Any, ...]]  # role -> one value per column


class RunTableModel(QAbstractTableModel):
    """Runs as rows: time, scenario, status, duration; ``run_at(row)`` gives the summary.

    Each row's cells are worked out once, the first time the row is shown
    (:meth:`row_cells`, which :class:`RunCellDelegate` paints from), never per
    paint (docs/architecture.md, UI rule 6).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.runs: list[RunSummary] = []
        self._cells: list[Cells | None] = []  # parallel to runs; None: not shown yet
        self._baseline_id: str | None = None
        self.unsaved: dict[str, str] = {}  # run id -> why it is not in the store

    @property
    def baseline_id(self) -> str | None:
        """The starred run: "★" before its time."""
        return self._baseline_id

    @baseline_id.setter
    def baseline_id(self, run_id: str | None) -> None:
        changed = {self._baseline_id, run_id} - {None}
        self._baseline_id = run_id
        for row, run in enumerate(self.runs):
            if run.run_id in changed:
                self._cells[row] = None

    def set_runs(self, runs: list[RunSummary]) -> None:
        self.beginResetModel()
        self.runs = list(runs)
        self._cells = [None] * len(self.runs)
        self.endResetModel()

    def upsert(self, run: RunSummary, limit: int = MAX_ROWS) -> None:
        """Show ``run`` without re-reading the store: its row changes in place, or it goes
        where the store's order (newest start first) puts it, the oldest beyond ``limit``
        dropped. One row repainted instead of the whole table."""
        row = self.row_of(run.run_id)
        if row >= 0 and self.runs[row].started_at == run.started_at:
            self.runs[row] = run
            self._cells[row] = None
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1), [])
            return
        if row >= 0:  # a queued run has started: its place in the order moves
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.runs[row]
            del self._cells[row]
            self.endRemoveRows()
        at = next((i for i, r in enumerate(self.runs) if not _newer(r, run)), len(self.runs))
        if at >= limit:
            return
        self.beginInsertRows(QModelIndex(), at, at)
        self.runs.insert(at, run)
        self._cells.insert(at, None)
        self.endInsertRows()
        if len(self.runs) > limit:
            self.beginRemoveRows(QModelIndex(), limit, len(self.runs) - 1)
            del self.runs[limit:]
            del self._cells[limit:]
            self.endRemoveRows()

    def run_at(self, row: int) -> RunSummary | None:
        return self.runs[row] if 0 <= row < len(self.runs) else None

    def row_of(self, run_id: str) -> int:
        return next((i for i, r in enumerate(self.runs) if r.run_id == run_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        cells = self.row_cells(index.row())
        values = cells.get(role) if cells is not None else None
        return values[index.column()] if values is not None else None

    def row_cells(self, row: int) -> Cells | None:
        """Row ``row``'s values by role, one per column (worked out once per change)."""
        if not 0 <= row < len(self._cells):
            return None
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._cells_of(self.runs[row])
        return cells

    def _cells_of(self, run: RunSummary) -> Cells:
        moment = run.started_at.astimezone() if run.started_at else None
        star = "★ " if run.run_id == self._baseline_id else ""
        tip = (f"Run {run.run_id} · {run.status} · {run.scenario or 'no scenario'} · "
               f"{moment:%Y-%m-%d %H:%M:%S}" if moment else run.run_id)
        status = run.status
        if (why := self.unsaved.get(run.run_id)) is not None:
            status += " · not saved"
            tip += f" · NOT saved to history ({why}): File → Export unsaved runs… keeps it"
        return {
            _DISPLAY: (star + (moment.strftime("%d %b %H:%M") if moment else "—"),
                       (run.scenario or "—") + ("  (dry run)" if run.dry_run else ""),
                       status, format_duration(run.duration_ms)),
            _FOREGROUND: (None, None, QColor(color(run.status)), None),
            _ALIGNMENT: (None, None, None, _RIGHT),
            _TOOLTIP: (tip,) * len(COLUMNS),
        }


_SELECTED = QStyle.StateFlag.State_Selected
_FOCUSED = QStyle.StateFlag.State_HasFocus
_MARGIN = 3  # px left and right of a cell's text: Fusion's (focus frame margin + 1)


class RunCellDelegate(QStyledItemDelegate):
    """Paints a history cell's text laid out once (``QStaticText``) instead of by the style.

    Why: the whole table is painted again as runs start, and the style asks several
    roles from Python per cell and lays the text out each time (docs/architecture.md,
    UI rule 6). The row's background (alternate colours) is still the view's.
    """

    CACHE_LIMIT = 4096  # texts kept laid out (times, durations, scenarios, per width)

    def __init__(self, model: RunTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        # (text, room) -> (laid out, width, height)
        self._laid: dict[tuple[str, int], tuple[QStaticText, float, float]] = {}

    def forget_layout(self) -> None:
        """Lay texts out again (the font changed)."""
        self._laid.clear()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: Index) -> None:
        cells = self._model.row_cells(index.row())
        if cells is None:
            return
        column = index.column()
        rect = option.rect
        state = option.state
        palette: QPalette = option.palette
        text = cells[_DISPLAY][column]
        if state & _SELECTED:  # as the style paints it: highlight, its text colour
            painter.fillRect(rect, palette.highlight())
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(cells[_FOREGROUND][column] or palette.color(QPalette.ColorRole.Text))
        room = rect.width() - 2 * _MARGIN
        static, width, height = self._laid.get((text, room)) or self._lay_out(text, room)
        x = rect.right() - _MARGIN - width if cells[_ALIGNMENT][column] else rect.x() + _MARGIN
        painter.drawStaticText(round(x), round(rect.y() + (rect.height() - height) / 2), static)
        if state & _FOCUSED:  # where the keyboard is (only the current cell)
            widget = option.widget
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, option,
                                         painter, widget)

    def _lay_out(self, text: str, room: int) -> tuple[QStaticText, float, float]:
        """``text`` laid out in the table's font, cut short with "…" to fit ``room`` px."""
        if len(self._laid) >= self.CACHE_LIMIT:
            self._laid.clear()
        parent = self.parent()
        font = parent.font() if isinstance(parent, QWidget) else QFont()
        metrics = QFontMetricsF(font)
        shown = text
        if metrics.horizontalAdvance(text) > room + 0.5:  # widths are fractional
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        static = QStaticText(shown)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(font=font)
        size = static.size()
        laid = self._laid[(text, room)] = (static, size.width(), size.height())
        return laid


class HistoryPanel(QWidget):
    """The history dock's content; the table itself is the ``history`` item view."""

    run_selected = Signal(str)  # run id
    run_again = Signal(str)  # run id
    run_deleted = Signal(str)  # run id
    problem = Signal(str)  # a change could not be stored (the reason, for the message bar)

    def __init__(self, store: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.setAccessibleName("Run history")
        self.store = store
        self.unsaved: Any = None  # ui.unsaved_runs.UnsavedRuns: runs listed from memory
        self.experiment_id: str | None = None
        self.held = False
        self._just_emitted: str | None = None
        self.model = RunTableModel(self)
        self._filters: dict[str, int] = {}  # experiment id -> its status filter's index
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("historyFilter")
        self.status_filter.setAccessibleName("Show runs with status")
        self.status_filter.addItem("All statuses", None)
        for status in RUN_STATUSES:
            self.status_filter.addItem(look(status).label.capitalize(), str(status))
        self.table = QTableView(self)
        self.table.setObjectName("history")
        self.table.setAccessibleName("Runs of this experiment, newest first")
        self.table.setModel(self.model)
        self.cell_painter = RunCellDelegate(self.model, self.table)
        self.table.setItemDelegate(self.cell_painter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._fit_columns()
        self.model.modelReset.connect(lambda: self._fit_columns())
        self.model.rowsInserted.connect(lambda _parent, first, last: self._fit_columns(first, last))
        self.model.dataChanged.connect(
            lambda top, bottom, _roles: self._fit_columns(top.row(), bottom.row()))
        self.again_button = QPushButton("↻  Run again", self)
        self.again_button.setObjectName("runAgainButton")
        self.again_button.setAccessibleName("Run the selected run's input again")
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("deleteRunButton")
        self.delete_button.setAccessibleName("Delete the selected run")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("historyCount")
        self.count_label.setAccessibleName("Number of runs shown")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._fit_count()

        top = QHBoxLayout()
        top.addWidget(self.status_filter, 1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.again_button, 1)
        buttons.addWidget(self.delete_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.clicked.connect(lambda index: self._on_row(index, None))
        self.again_button.clicked.connect(self._again)
        self.delete_button.clicked.connect(self.delete_selected)
        self._update_buttons()

    def _fit_columns(self, first: int = 0, last: int | None = None) -> None:
        """Widen time, status and duration to fit rows ``first``..``last`` (default: the
        first 40), never narrower unless the list was reloaded; the scenario takes the
        rest. Why not ``ResizeToContents``: it measures the visible rows again on every
        change, and columns jumped back and forth as runs went (docs/architecture.md,
        UI rule 4). The user can still drag them wider."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        reload = last is None
        last = min(self.model.rowCount() - 1, first + 39 if last is None else last)
        for section in (0, 2, 3):
            texts = [str(self.model.index(row, section).data() or "")
                     for row in range(first, last + 1)]
            needed = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            needed = max(needed + 8, header.sectionSizeHint(section))  # 8: the cell margins
            if reload or needed > header.sectionSize(section):
                header.resizeSection(section, needed)

    def _fit_count(self) -> None:
        """A fixed size, wide enough for the most runs listed: a new count then only
        repaints the label instead of laying the window out again (UI rule 4)."""
        metrics = self.count_label.fontMetrics()
        self.count_label.setFixedSize(metrics.horizontalAdvance(f"{MAX_ROWS} runs") + 4,
                                      self.count_label.sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.cell_painter.forget_layout()
            self._fit_columns()
            self._fit_count()

    # --- content ----------------------------------------------------------------------

    def show_experiment(self, experiment_id: str | None) -> None:
        """List ``experiment_id``'s runs, under the status filter last used for it."""
        if self.experiment_id is not None:
            self._filters[self.experiment_id] = self.status_filter.currentIndex()
        self.experiment_id = experiment_id
        with QSignalBlocker(self.status_filter):
            self.status_filter.setCurrentIndex(self._filters.get(experiment_id or "", 0))
        self.refresh()

    def hold(self) -> None:
        """Read nothing from the store until :meth:`release` (which reads at once)."""
        self.held = True

    def release(self) -> None:
        self.held = False
        self.refresh()

    def refresh(self) -> None:
        """Re-read the runs (one query), keeping the selected run selected."""
        if self.held:
            return
        selected = self.selected_run_id()
        runs: list[RunSummary] = []
        if self.store is not None and self.experiment_id is not None:
            try:
                store = self.store() if callable(self.store) else self.store
                runs = store.list_runs(self.experiment_id, limit=MAX_ROWS,
                                       status=self.status_filter.currentData())
            except OrchestratorError:  # no usable database: the window's StoreAlarm says so
                runs = []
        runs = self._with_unsaved(runs)
        self.model.set_runs(runs)
        self._show_count()
        if selected is not None and (row := self.model.row_of(selected)) >= 0:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
        self._update_buttons()

    def _with_unsaved(self, runs: list[RunSummary]) -> list[RunSummary]:
        """``runs`` with this experiment's unsaved runs in their place (newest first),
        as they ended, instead of whatever part of them the store holds."""
        unsaved = self.unsaved.of_experiment(self.experiment_id) if self.unsaved else []
        wanted = self.status_filter.currentData()
        self.model.unsaved = {run.result.run_id: run.reason for run in unsaved}
        if not unsaved:
            return runs
        from orchestrator_gui.store.records import run_summary

        extra = [run_summary(run.result) for run in unsaved
                 if wanted is None or run.result.status == wanted]
        listed = [run for run in runs if run.run_id not in self.model.unsaved]
        for run in extra:
            at = next((i for i, r in enumerate(listed) if not _newer(r, run)), len(listed))
            listed.insert(at, run)
        return listed[:MAX_ROWS]

    def refresh_soon(self, *_args: Any) -> None:
        """Coalesce many run events into one refresh."""
        self._refresh_timer.start()

    def on_run_stored(self, event: RunLifeEvent) -> None:
        """A run's row was written (queued, started or ended): if it is one of ours, its row
        is shown from the event; under a status filter the list is read again (coalesced).

        Why not always read again: a refresh is a query and a repaint of the whole table on
        the UI thread (docs/architecture.md, UI rule 8)."""
        result = getattr(event, "result", None)
        if result is None or result.experiment_id != self.experiment_id:
            return
        if self.held or self.status_filter.currentData() is not None:
            self.refresh_soon()
            return
        from orchestrator_gui.store.records import run_summary  # loaded: the run was stored

        bar = self.table.verticalScrollBar()
        scrolled, count = bar.value(), self.model.rowCount()
        self.model.upsert(run_summary(result))
        if scrolled and self.model.rowCount() > count:
            # a new run's row went in above: the rows the reader was looking at stay put
            bar.setValue(scrolled + self._row_step())
        self._show_count()

    def _show_count(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count} run{'s' * (count != 1)}")

    def selected_run_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        run = self.model.run_at(rows[0].row()) if rows else None
        return run.run_id if run is not None else None

    def select_run(self, run_id: str) -> bool:
        row = self.model.row_of(run_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def confirm_delete(self, run_id: str) -> bool:
        """Ask before a run is deleted (it cannot be brought back); tests replace this."""
        answer = QMessageBox.question(
            self, "Delete run", f"Delete run {run_id[:8]} and its steps from the history? "
            "This cannot be undone.", QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _row_step(self) -> int:
        per_pixel = self.table.verticalScrollMode() == QTableView.ScrollMode.ScrollPerPixel
        return self.table.verticalHeader().defaultSectionSize() if per_pixel else 1

    def delete_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is None or self.store is None or not self.confirm_delete(run_id):
            return
        store = self.store() if callable(self.store) else self.store
        try:
            store.delete_run(run_id)
        except OrchestratorError as exc:  # a read-only or full disk: the run stays
            self.problem.emit(f"The run was not deleted: {exc}")
            return
        self.run_deleted.emit(run_id)
        self.table.clearSelection()
        self.refresh()

    # --- reactions --------------------------------------------------------------------

    def _on_row(self, current: QModelIndex, _previous: Any) -> None:
        run = self.model.run_at(current.row())
        self._update_buttons()
        # a click fires currentRowChanged and clicked: redraw once per user action
        if run is not None and run.run_id != self._just_emitted:
            self._just_emitted = run.run_id
            QTimer.singleShot(0, self._forget_emitted)
            self.run_selected.emit(run.run_id)

    def _forget_emitted(self) -> None:
        self._just_emitted = None

    def _again(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.run_again.emit(run_id)

    def _update_buttons(self) -> None:
        has = self.selected_run_id() is not None
        self.again_button.setEnabled(has)
        self.delete_button.setEnabled(has)
