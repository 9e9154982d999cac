"""The history table's context menu: compare, baseline star, replay.

Kept apart from ``panels/history.py`` (which lists runs) so the list stays a
list: this module only reads which rows are selected and asks the analysis
controller to act. Ctrl/Shift+click selects two runs to compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu

MAX_PICK = 20


def selected_run_ids(history: Any) -> list[str]:
    rows = sorted(i.row() for i in history.table.selectionModel().selectedRows())
    return [run.run_id for r in rows if (run := history.model.run_at(r)) is not None]


def install_history_menu(history: Any, analysis: Any) -> None:
    """Let ``history`` select several runs and give it the analysis context menu."""
    table = history.table
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(
        lambda pos: build_menu(history, analysis, table.indexAt(pos).row()).popup(
            table.viewport().mapToGlobal(pos)))


def _add(menu: QMenu, name: str, text: str, slot: Callable[[], object],
         enabled: bool = True) -> QAction:
    action = QAction(text, menu)
    action.setObjectName(name)
    action.setEnabled(enabled)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menu(history: Any, analysis: Any, row: int) -> QMenu:
    """The menu for the run at ``row`` (selecting it first unless it is in the selection)."""
    menu = QMenu(history.table)
    menu.setObjectName("historyMenu")
    run = history.model.run_at(row)
    if run is None:
        return menu
    chosen = selected_run_ids(history)
    if run.run_id not in chosen:
        history.table.selectRow(row)
        chosen = [run.run_id]
    _add(menu, "compareSelected", "Compare the two selected runs",
         lambda: analysis.compare_ids(chosen[1], chosen[0]), len(chosen) == 2)
    baseline = analysis.baseline_id()
    _add(menu, "compareBaseline", "Compare with baseline",
         lambda: analysis.compare_with_baseline(run.run_id),
         baseline is not None and baseline != run.run_id)
    older = history.model.run_at(row + 1)
    _add(menu, "comparePrevious", "Compare with the run before",
         lambda: analysis.compare_ids(older.run_id, run.run_id) if older else None,
         older is not None)
    pick = QMenu("Compare with…", menu)
    menu.addMenu(pick)
    pick.setObjectName("compareWithMenu")
    others = [r for r in history.model.runs if r.run_id != run.run_id][:MAX_PICK]
    for other in others:
        when = other.started_at.astimezone().strftime("%d %b %H:%M:%S") if other.started_at else "—"
        _add(pick, f"compareWith{other.run_id}",
             f"{when}  ·  {other.scenario or '—'}  ·  {other.status}",
             _compare(analysis, other.run_id, run.run_id))
    pick.setEnabled(bool(others))
    menu.addSeparator()
    if baseline == run.run_id:
        _add(menu, "starBaseline", "☆  Remove the baseline star", analysis.clear_baseline)
    else:
        _add(menu, "starBaseline", "★  Star as baseline", lambda: analysis.star(run.run_id))
    replay = _add(menu, "replayRecorded", "Replay with recorded answers",
                  lambda: analysis.replay(run.run_id))
    replay.setToolTip("Run it again on the experiment it ran with, answering webhook and AI "
                      "calls from the recording, and say which steps now differ")
    return menu



def _compare(analysis: Any, run_a: str, run_b: str) -> Callable[[], object]:
    return lambda: analysis.compare_ids(run_a, run_b)
