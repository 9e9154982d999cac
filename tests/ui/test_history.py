"""History: runs newest first, filter, redraw a past run (on the version it ran on), again, delete."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from orchestrator_gui.ui.panels.history import COLUMNS
from orchestrator_gui.ui.panels.simulator import RunRequest
from orchestrator_gui.ui.status_style import color as status_color
from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)

GATED = [("start", "input", {}),
         ("gate", "transform", {"filters": {"riskScore": {"max": 0.5}}}),
         ("wait", "sleep", {"seconds": 0.01})]


def run_presets(qtbot: Any, window: Any, *presets: str) -> None:
    ex = experience(window)
    for preset in presets:
        ex.simulator.choose_preset(preset)
        ex.run()
        wait_finished(qtbot, window)


def click_row(qtbot: Any, table: QTableView, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def cell(table: QTableView, row: int, column: int, role: Any = Qt.ItemDataRole.DisplayRole) -> Any:
    return table.model().index(row, column).data(role)


def test_rows_newest_first_with_time_scenario_status_duration(app_window: Any, qtbot: Any,
                                                              registry: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    run_presets(qtbot, app_window, "Happy Path", "High Risk", "GDPR Sensitive")
    ex = experience(app_window)
    table = app_window.findChild(QTableView, "history")
    assert table is not None and table.accessibleName()
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    assert [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == list(
        COLUMNS)
    assert [cell(table, r, 1) for r in range(3)] == ["GDPR Sensitive", "High Risk", "Happy Path"]
    assert [cell(table, r, 2) for r in range(3)] == ["success", "filtered", "success"]
    assert cell(table, 1, 2, Qt.ItemDataRole.ForegroundRole).name() == status_color("filtered")
    assert all(cell(table, r, 3).endswith(("ms", " s")) for r in range(3))
    assert cell(table, 0, 0).count(":") == 1  # day, month and time
    assert ex.history.count_label.text() == "3 runs"

    ex.history.status_filter.setCurrentIndex(ex.history.status_filter.findData("filtered"))
    assert table.model().rowCount() == 1 and cell(table, 0, 1) == "High Risk"
    ex.history.status_filter.setCurrentIndex(0)
    assert table.model().rowCount() == 3


def test_clicking_a_run_redraws_it_on_the_canvas(app_window: Any, qtbot: Any,
                                                 registry: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    run_presets(qtbot, app_window, "High Risk", "Happy Path")
    ex = experience(app_window)
    table = ex.history.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 2)
    badges = ex.overlay._badges
    assert badges["wait"].text.startswith("✓")  # the last run, Happy Path, went through
    click_row(qtbot, table, 1)  # the older, filtered run
    assert ex.stack.currentIndex() == 0  # same experiment: drawn on the editing canvas
    assert badges["gate"].text.startswith("⊘ filtered")
    assert badges["wait"].text == "– skipped"
    node = next(n for n in app_window.canvas.nodes() if n.step_id() == "gate")
    app_window.canvas.select([node])
    assert ex.inspector.step is not None
    assert ex.inspector.step.input == {"riskScore": 0.9, "email": "user@example.com"}


def test_a_run_of_an_older_version_is_shown_as_it_was(app_window: Any, qtbot: Any,
                                                      registry: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    run_presets(qtbot, app_window, "Happy Path")
    ex = experience(app_window)
    canvas = app_window.canvas
    canvas.add_step("sleep")  # the experiment changes: a fourth step at the end
    assert len(canvas.nodes()) == 4
    qtbot.waitUntil(lambda: ex.history.table.model().rowCount() == 1)
    click_row(qtbot, ex.history.table, 0)

    assert ex.stack.currentWidget() is ex.replay
    assert "3 steps" in ex.replay.banner.text()
    old = ex.replay.canvas.nodes()
    assert sorted(n.step_id() for n in old) == ["gate", "start", "wait"]
    assert {k: b.text[0] for k, b in ex.replay_overlay._badges.items()} == {
        "start": "✓", "gate": "✓", "wait": "✓"}
    ex.replay.canvas.select([n for n in old if n.step_id() == "gate"])
    assert ex.inspector.step is not None and ex.inspector.step.id == "gate"
    assert len(canvas.nodes()) == 4 and not canvas.undo_stack.isClean()  # the edit is intact
    ex.replay.back_button.click()
    assert ex.stack.currentIndex() == 0


def test_run_again_repeats_the_input_and_delete_removes_the_run(app_window: Any, qtbot: Any,
                                                                registry: Any, store: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    ex = experience(app_window)
    ex.simulator.preview.setPlainText('{"riskScore": 0.1, "note": "by hand"}')
    ex.run()
    wait_finished(qtbot, app_window)
    ex.simulator.choose_preset("High Risk")
    table = ex.history.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    click_row(qtbot, table, 0)
    assert ex.history.again_button.isEnabled()
    ex.history.again_button.click()
    wait_finished(qtbot, app_window)
    runs = store.list_runs("exp-test")
    assert [r.scenario for r in runs] == ["Custom", "Custom"]
    assert store.get_run(runs[0].run_id)["input"] == {"riskScore": 0.1, "note": "by hand"}
    assert ex.simulator.input == {"riskScore": 0.1, "note": "by hand"}

    qtbot.waitUntil(lambda: table.model().rowCount() == 2)
    click_row(qtbot, table, 0)
    asked: list[str] = []
    ex.history.confirm_delete = lambda run_id: asked.append(run_id) or False  # type: ignore[method-assign]
    ex.history.delete_button.click()  # asked, and the answer is no: nothing goes
    assert asked == [runs[0].run_id] and len(store.list_runs("exp-test")) == 2
    ex.history.confirm_delete = lambda run_id: True  # type: ignore[method-assign]
    ex.history.delete_button.click()
    assert [r.run_id for r in store.list_runs("exp-test")] == [runs[1].run_id]
    assert table.model().rowCount() == 1


SLOW = [("start", "input", {}), ("wait", "sleep", {"seconds": 0.4})]


def test_runs_going_show_in_place_without_reading_the_store_again(
        app_window: Any, qtbot: Any, registry: Any, store: Any, monkeypatch: Any) -> None:
    app_window.canvas.load(experiment(registry, SLOW))
    ex = experience(app_window)
    table = ex.history.table
    run_presets(qtbot, app_window, "Happy Path")
    qtbot.waitUntil(lambda: table.model().rowCount() == 1)
    click_row(qtbot, table, 0)  # the user looks at the finished run
    finished = ex.history.selected_run_id()
    reads: list[str] = []
    list_runs = store.list_runs
    monkeypatch.setattr(store, "list_runs", lambda *a, **k: reads.append("read") or list_runs(
        *a, **k))

    ex.simulator.choose_preset("High Risk")
    going = [ex.run(RunRequest({"riskScore": 0.9}, f"Load {i}", False))
             for i in range(3)]
    assert all(r is not None for r in going)
    qtbot.waitUntil(lambda: table.model().rowCount() == 4, timeout=5000)
    # the new runs on top, shown running while they go, the user's row still selected
    assert [cell(table, r, 2) for r in range(3)] == ["running"] * 3
    assert sorted(cell(table, r, 1) for r in range(3)) == ["Load 0", "Load 1", "Load 2"]
    assert ex.history.selected_run_id() == finished
    wait_finished(qtbot, app_window)
    qtbot.waitUntil(lambda: [cell(table, r, 2) for r in range(3)] == ["success"] * 3,
                    timeout=5000)
    assert all(cell(table, r, 3).endswith("ms") for r in range(3))
    assert ex.history.count_label.text() == "4 runs"
    assert ex.history.selected_run_id() == finished
    assert reads == []  # no query on the UI thread while the runs went
    # what the store lists afterwards is what the panel showed
    shown = [table.model().run_at(r) for r in range(4)]
    assert [(r.run_id, r.status) for r in shown] == [
        (r.run_id, r.status) for r in list_runs("exp-test")]


def test_under_a_status_filter_a_run_not_matching_it_does_not_appear(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    ex = experience(app_window)
    ex.history.status_filter.setCurrentIndex(ex.history.status_filter.findData("filtered"))
    run_presets(qtbot, app_window, "Happy Path", "High Risk")  # a success, then a filtered
    table = ex.history.table
    qtbot.waitUntil(lambda: cell(table, 0, 1) == "High Risk", timeout=5000)
    assert table.model().rowCount() == 1 and ex.history.count_label.text() == "1 run"


def test_columns_fit_every_value_and_never_jump_back_as_runs_go(qtbot: Any) -> None:
    from datetime import UTC, datetime

    from orchestrator_gui.store.models import RunSummary
    from orchestrator_gui.ui.panels.history import HistoryPanel

    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 400)  # a dock a little wider than the app's default
    panel.show()
    table = panel.table
    begun = datetime(2026, 9, 28, 23, 59, tzinfo=UTC)
    panel.model.set_runs([RunSummary("r-old", "exp", "E", "Happy Path", "success", begun,
                                     begun, 46.0)])
    run = RunSummary("r-new", "exp", "E", "Load", "running", datetime.now(UTC), None, None)
    panel.model.upsert(run)
    widths = [table.columnWidth(c) for c in range(4)]
    for status, took in (("interrupted", 61_234.5), ("cancelled", 3.4), ("error", 0.01),
                         ("success", 12.0)):
        panel.model.upsert(run._replace(status=status, duration_ms=took))
        qtbot.wait(1)
        now = [table.columnWidth(c) for c in range(4)]
        assert all(n >= w for n, w in zip(now[::2], widths[::2], strict=True)), (now, widths)
        widths = now  # time, status and duration only ever widen while runs go
        metrics = table.fontMetrics()
        for column in (0, 2, 3):  # time, status and duration shown whole
            for row in range(2):
                text = cell(table, row, column)
                assert metrics.horizontalAdvance(text) <= table.columnWidth(column) - 6, text
    # a narrow dock still shows all four columns, no sideways scrolling
    assert sum(table.columnWidth(c) for c in range(4)) <= table.viewport().width()


def two_runs_panel(qtbot: Any, width: int, scenario: str = "High Risk") -> Any:
    """A history panel ``width`` px wide listing a filtered run (``scenario``) above a
    successful one, shown."""
    from datetime import UTC, datetime

    from orchestrator_gui.store.models import RunSummary
    from orchestrator_gui.ui.panels.history import HistoryPanel

    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.resize(width, 300)
    panel.show()
    begun = datetime(2026, 9, 28, 12, 0, tzinfo=UTC)
    panel.model.set_runs([
        RunSummary("r-2", "exp", "E", scenario, "filtered", begun, begun, 7.0),
        RunSummary("r-1", "exp", "E", "Happy Path", "success", begun, begun, 1234.0)])
    return panel


def test_the_table_paints_each_status_in_its_colour_and_durations_to_the_right(
        qtbot: Any) -> None:
    from PySide6.QtGui import QColor

    table = two_runs_panel(qtbot, 420).table
    qtbot.wait(10)
    image = table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()

    def inked(row: int, column: int) -> list[tuple[int, QColor]]:
        """(x, colour) of the pixels in a cell unlike its background, in viewport px."""
        rect = table.visualRect(table.model().index(row, column))
        background = QColor(image.pixel(round((rect.left() + 1) * ratio),
                                        round((rect.top() + 1) * ratio)))
        found = []
        for y in range(rect.top() + 2, rect.bottom() - 1):
            for x in range(rect.left() + 1, rect.right()):
                color = QColor(image.pixel(round(x * ratio), round(y * ratio)))
                if color != background:
                    found.append((x, color))
        return found

    def near(a: QColor, b: QColor) -> bool:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60

    for row, status in ((0, "filtered"), (1, "success")):
        ink = inked(row, 2)
        assert any(near(color, QColor(status_color(status))) for _x, color in ink), status
        duration = table.visualRect(table.model().index(row, 3))
        xs = [x for x, _color in inked(row, 3)]
        assert xs and max(xs) > duration.right() - 12 and min(xs) > duration.left() + 8
        assert inked(row, 0) and inked(row, 1)  # time and scenario drawn


def test_a_selected_run_is_highlighted_and_a_long_scenario_stays_in_its_column(
        qtbot: Any) -> None:
    from PySide6.QtGui import QColor, QPalette

    long_name = "Quarterly enterprise onboarding with manual review " * 2
    table = two_runs_panel(qtbot, 340, long_name).table
    table.selectRow(1)
    qtbot.wait(10)
    image = table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()

    def colours(row: int, column: int) -> set[str]:
        rect = table.visualRect(table.model().index(row, column))
        return {QColor(image.pixel(round(x * ratio), round(y * ratio))).name()
                for y in range(rect.top() + 1, rect.bottom())
                for x in range(rect.left() + 1, rect.right())}

    palette = table.palette()
    selected = colours(1, 2)
    assert palette.color(QPalette.ColorRole.Highlight).name() in selected
    # the selected run's status in the highlight's text colour, not its own (readable)
    assert palette.color(QPalette.ColorRole.HighlightedText).name() in selected
    assert QColor(status_color("success")).name() not in selected
    assert palette.color(QPalette.ColorRole.Highlight).name() not in colours(0, 2)
    # the scenario too long for its column is cut short (with an ellipsis) inside its cell
    metrics = table.fontMetrics()
    scenario = table.visualRect(table.model().index(0, 1))
    assert metrics.horizontalAdvance(long_name) > scenario.width()
    background = image.pixel(round(scenario.right() * ratio), round((scenario.top() + 1) * ratio))
    ink = [x for x in range(scenario.right() - 2, scenario.right() + 2)
           for y in range(scenario.top() + 2, scenario.bottom() - 1)
           if image.pixel(round(x * ratio), round(y * ratio)) != background]
    assert not ink, "the scenario's text runs into the status column"


def test_a_new_run_count_repaints_the_label_without_laying_the_window_out_again(
        qtbot: Any) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QEvent, QObject

    from orchestrator_gui.core.result import RunResult
    from orchestrator_gui.ui.panels.history import MAX_ROWS, HistoryPanel

    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.experiment_id = "exp"
    panel.resize(340, 300)
    panel.show()
    qtbot.waitExposed(panel)

    class LayoutRequests(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.LayoutRequest:
                self.count += 1
            return False

    requests = LayoutRequests()
    panel.installEventFilter(requests)
    for n in range(1, 13):  # runs starting, as the store reports them: the count grows
        run = RunResult(f"r-{n}", "exp", "E", "Load", status="running")
        panel.on_run_stored(SimpleNamespace(result=run))
        qtbot.wait(2)
        if n == 1:  # (the first row may settle the panel once)
            requests.count = 0
    assert panel.count_label.text() == "12 runs"
    assert requests.count == 0  # the docks are not laid out again for each new count
    metrics = panel.count_label.fontMetrics()
    assert metrics.horizontalAdvance(f"{MAX_ROWS} runs") <= panel.count_label.width()


def test_run_again_follows_the_dry_run_box_not_the_old_runs_mode(
        app_window: Any, qtbot: Any, registry: Any, store: Any) -> None:
    app_window.canvas.load(experiment(registry, GATED))
    ex = experience(app_window)
    ex.simulator.dry_run_toggle.setChecked(True)
    ex.simulator.run_button.click()
    wait_finished(qtbot, app_window)
    table = ex.history.table
    for box, expected in ((False, False), (True, True)):
        ex.simulator.dry_run_toggle.setChecked(box)
        qtbot.waitUntil(lambda: table.model().rowCount() >= 1)
        click_row(qtbot, table, 0)
        count = len(store.list_runs("exp-test"))
        ex.history.again_button.click()
        wait_finished(qtbot, app_window)
        qtbot.waitUntil(lambda n=count: len(store.list_runs("exp-test")) == n + 1)
        newest = store.list_runs("exp-test")[0]
        assert store.get_run(newest.run_id)["dryRun"] is expected



def test_the_status_filter_belongs_to_the_experiment_shown(
        app_window: Any, qtbot: Any, registry: Any) -> None:
    ex = experience(app_window)
    history = ex.history
    history.show_experiment("exp-a")
    history.status_filter.setCurrentIndex(history.status_filter.findData("error"))
    history.show_experiment("exp-b")
    assert history.status_filter.currentData() is None  # another experiment: all statuses
    history.show_experiment("exp-a")
    assert history.status_filter.currentData() == "error"  # and back: its own filter


def test_a_preset_over_a_hand_edited_input_can_be_undone_in_the_input(
        app_window: Any, qtbot: Any) -> None:
    simulator = experience(app_window).simulator
    simulator.preview.selectAll()
    qtbot.keyClicks(simulator.preview, '{"riskScore": 0.42, "note": "typed by hand"}')
    assert simulator.input == {"riskScore": 0.42, "note": "typed by hand"}
    simulator.choose_preset("High Risk")
    assert simulator.input != {"riskScore": 0.42, "note": "typed by hand"}
    simulator.preview.setFocus()
    qtbot.keyClick(simulator.preview, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert simulator.input == {"riskScore": 0.42, "note": "typed by hand"}


def test_a_new_run_does_not_move_the_rows_a_scrolled_reader_is_looking_at(
        app_window: Any, qtbot: Any, registry: Any, store: Any) -> None:
    app_window.canvas.load(experiment(registry, [("start", "input", {})]))
    ex = experience(app_window)
    table = ex.history.table
    for _ in range(30):
        ex.run()
        wait_finished(qtbot, app_window)
    qtbot.waitUntil(lambda: table.model().rowCount() == 30, timeout=10000)
    bar = table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 5, timeout=3000)
    bar.setValue(bar.maximum() // 2)
    top = table.rowAt(0)
    seen = table.model().run_at(top).run_id
    ex.run()
    wait_finished(qtbot, app_window)
    qtbot.waitUntil(lambda: table.model().rowCount() == 31, timeout=5000)
    assert table.model().run_at(table.rowAt(0)).run_id == seen
