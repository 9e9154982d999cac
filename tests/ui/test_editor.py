"""The editor as a first-time user goes: drag, connect, edit, undo, export, import."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from orchestrator_gui.core.registry import default_registry
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.nodes import StepNode
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.panels.palette import TYPE_ROLE
from orchestrator_gui.ui.panels.rows_editor import RowsEditor


def node(window: MainWindow, step_id: str) -> StepNode:
    return next(n for n in window.canvas.nodes() if n.step_id() == step_id)


def select(window: MainWindow, step_id: str) -> StepNode:
    target = node(window, step_id)
    window.canvas.select([target])
    return target


def drop_from_palette(window: MainWindow, type_name: str, at: QPoint) -> None:
    """Drag a palette row onto the canvas: the palette's own drag data, a real drop event."""
    palette = window.palette_panel
    index = next(palette.model.indexFromItem(palette.model.item(r).child(i))
                 for r in range(palette.model.rowCount())
                 for i in range(palette.model.item(r).rowCount())
                 if palette.model.item(r).child(i).data(TYPE_ROLE) == type_name)
    mime = palette.model.mimeData([index])
    view = window.canvas.view
    event = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)


def test_the_window_has_the_automation_names(window: MainWindow) -> None:
    for name in ("canvas", "palette", "properties"):
        assert window.findChild(QWidget, name) is not None, name
    assert window.canvas.view.objectName() == "canvas"
    assert window.centralWidget().isAncestorOf(window.canvas.view)


def test_the_palette_lists_every_registered_type_custom_ones_included(qtbot: QtBot) -> None:
    from orchestrator_gui.core.registry import StepRegistry, StepType

    async def handler(step: object, ctx: object) -> dict[str, object]:
        return {}

    registry = StepRegistry()
    for step_type in default_registry():
        registry.register(step_type)
    registry.register(StepType("sentiment", handler, category="Custom", color="#ff00aa"))
    window = MainWindow(registry=registry)
    qtbot.addWidget(window)
    assert window.palette_panel.type_names().count("sentiment") == 1
    assert set(window.palette_panel.type_names()) == set(registry.names())
    added = window.canvas.add_step("sentiment")
    assert added.step_id() == "sentiment-1"
    assert added.item.accent.name() == "#ff00aa"
    window.canvas.undo_stack.setClean()


def test_new_steps_take_their_id_prefix_from_their_type(qtbot: QtBot) -> None:
    from orchestrator_gui.core.registry import StepRegistry, StepType

    async def handler(step: object, ctx: object) -> dict[str, object]:
        return {}

    registry = StepRegistry()
    for step_type in default_registry():
        registry.register(step_type)
    registry.register(StepType("acme_sentiment_score", handler, id_prefix="mood"))
    window = MainWindow(registry=registry)
    qtbot.addWidget(window)
    ids = [window.canvas.add_step(name).step_id()
           for name in ("acme_sentiment_score", "acme_sentiment_score", "compliance_check")]
    window.canvas.undo_stack.setClean()
    assert ids[:2] == ["mood-1", "mood-2"]
    assert ids[2].startswith("compliance-")


def test_dragging_a_step_from_the_palette_creates_a_node_where_it_is_dropped(
    window: MainWindow,
) -> None:
    before = len(window.canvas.nodes())
    drop_from_palette(window, "webhook", QPoint(300, 200))
    nodes = window.canvas.nodes()
    assert len(nodes) == before + 1
    new = next(n for n in nodes if n.step_type.name == "webhook")
    assert new.step_id() == "webhook-1"
    assert window.canvas.selected() == [new]
    assert window.properties.node is new  # the properties panel follows the selection
    assert "Not connected" in window.chain_status.text()  # loose until connected


def test_connecting_the_dropped_node_makes_one_chain_again(window: MainWindow) -> None:
    drop_from_palette(window, "webhook", QPoint(300, 200))
    new = node(window, "webhook-1")
    node(window, "metrics-1").output(0).connect_to(new.input(0))
    assert window.chain_status.text().startswith("✓  6 steps")
    document = window.documents.current_document()
    assert [s["id"] for s in document["steps"]][-1] == "webhook-1"


def test_a_bad_value_shows_an_error_beside_the_field_and_is_not_applied(
    window: MainWindow, qtbot: QtBot
) -> None:
    ai = select(window, "ai-1")
    editor = window.properties.editor("threshold")
    line = editor.control
    assert isinstance(line, QLineEdit)
    assert line.text() == "0.7"
    line.clear()
    qtbot.keyClicks(line, "1.5")
    assert editor.error.isVisible()
    assert "must be <= 1" in editor.error.text()
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert ai.get_property("step_config")["threshold"] == 0.7
    line.clear()
    qtbot.keyClicks(line, "high")
    assert "must be a number" in editor.error.text()


def test_a_good_value_is_applied_and_undo_brings_the_old_one_back(
    window: MainWindow, qtbot: QtBot
) -> None:
    ai = select(window, "ai-1")
    line = window.properties.editor("threshold").control
    assert isinstance(line, QLineEdit)
    line.clear()
    qtbot.keyClicks(line, "0.85")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert ai.get_property("step_config")["threshold"] == 0.85
    assert window.session.dirty
    window.actions_by_name["actionUndo"].trigger()
    assert ai.get_property("step_config")["threshold"] == 0.7
    assert line.text() == "0.7"  # the panel follows undo
    window.actions_by_name["actionRedo"].trigger()
    assert ai.get_property("step_config")["threshold"] == 0.85


def test_every_kind_of_config_field_gets_a_fitting_control(window: MainWindow) -> None:
    select(window, "compliance-1")
    editors = window.properties.editors
    assert isinstance(editors["action"].control, QComboBox)
    assert isinstance(editors["detectPatterns"].control, QCheckBox)
    assert isinstance(editors["sensitiveFields"].control, RowsEditor)  # a list, by rows
    assert editors["action"].control.currentText() == "mask"
    for editor in editors.values():
        assert editor.control.accessibleName(), editor.spec.key


def test_a_json_field_rejects_bad_json_and_applies_good_json(
    window: MainWindow, qtbot: QtBot
) -> None:
    step = select(window, "compliance-1")
    editor = window.properties.editor("sensitiveFields")
    rows = editor.control
    assert isinstance(rows, RowsEditor)
    rows.json_button.click()  # the JSON fallback of the list editor
    text = rows.text
    text.setPlainText('["email", ')
    assert editor.error.isVisible()
    editor.committed.emit()
    assert "sensitiveFields" not in step.get_property("step_config")
    text.setPlainText('["email",   "iban"]')
    editor.committed.emit()
    assert step.get_property("step_config")["sensitiveFields"] == ["email", "iban"]
    assert text.toPlainText() == '["email",   "iban"]'  # not reformatted under the cursor
    rows.json_button.click()  # back to rows: the value comes along
    assert rows.rows() == [["email"], ["iban"]]


def test_mapping_rows_add_reorder_and_refuse_a_name_given_twice(
    window: MainWindow, qtbot: QtBot
) -> None:
    step = select(window, "transform-1")
    editor = window.properties.editor("mapping")
    rows = editor.control
    assert isinstance(rows, RowsEditor) and rows.mapping
    before = dict(step.get_property("step_config").get("mapping", {}))
    count = len(rows.rows())
    rows.table.setFocus()
    rows.add_button.click()
    assert len(rows.rows()) == count + 1
    row = rows.table.currentRow()
    rows.table.item(row, 0).setText("score")
    rows.table.item(row, 1).setText("riskScore")
    assert step.get_property("step_config")["mapping"] == before | {"score": "riskScore"}
    rows.table.setCurrentCell(row, 0)
    window.activateWindow()
    rows.table.setFocus()
    qtbot.waitUntil(rows.table.hasFocus, timeout=1000)
    qtbot.keyClick(rows.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    if row > 0:
        assert list(step.get_property("step_config")["mapping"]).index("score") == row - 1
    rows.add_button.click()
    new = rows.table.currentRow()
    rows.table.item(new, 0).setText("score")
    rows.table.item(new, 1).setText("other")
    assert "named twice" in editor.error.text()
    assert step.get_property("step_config")["mapping"]["score"] == "riskScore"
    qtbot.keyClick(rows.table, Qt.Key.Key_Delete)
    assert not editor.error.isVisible() or not editor.error.text()


def test_step_ids_stay_unique_when_renamed_pasted_or_duplicated(
    window: MainWindow, qtbot: QtBot
) -> None:
    select(window, "ai-1")
    id_edit = window.properties.editor("id").control
    assert isinstance(id_edit, QLineEdit)
    id_edit.clear()
    qtbot.keyClicks(id_edit, "input-1")
    qtbot.keyClick(id_edit, Qt.Key.Key_Return)
    assert "already used" in window.properties.editor("id").error.text()
    assert node(window, "ai-1")  # unchanged
    id_edit.clear()
    qtbot.keyClicks(id_edit, "decide")
    qtbot.keyClick(id_edit, Qt.Key.Key_Return)
    assert node(window, "decide").name() == "AI Decision"
    window.canvas.duplicate()
    assert window.canvas.copy()
    window.canvas.paste()
    ids = [n.step_id() for n in window.canvas.nodes()]
    assert len(ids) == 7 and len(set(ids)) == 7
    assert {"ai-1", "ai-2"} <= set(ids)


def test_two_steps_may_share_a_name(window: MainWindow, qtbot: QtBot) -> None:
    select(window, "metrics-1")
    name = window.properties.editor("name").control
    assert isinstance(name, QLineEdit)
    name.clear()
    qtbot.keyClicks(name, "AI Decision")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    names = [s["name"] for s in window.documents.current_document()["steps"]]
    assert names.count("AI Decision") == 2


def test_delete_select_all_and_undo(window: MainWindow) -> None:
    window.canvas.select_all()
    assert len(window.canvas.selected()) == 5
    window.canvas.delete_selected()
    assert window.canvas.nodes() == []
    assert "empty" in window.chain_status.text()
    window.actions_by_name["actionUndo"].trigger()
    assert len(window.canvas.nodes()) == 5
    assert window.canvas.check().ok


def test_selecting_is_not_an_edit(window: MainWindow) -> None:
    window.canvas.select_all()
    select(window, "ai-1")
    assert not window.session.dirty
    assert window.canvas.undo_stack.count() == 0


def test_export_writes_the_expected_json(window: MainWindow, tmp_path: Path) -> None:
    select(window, "ai-1")
    window.canvas.set_step_property(node(window, "ai-1"), "step_config", {"threshold": 0.9})
    (tmp_path / "exports").mkdir()
    target = tmp_path / "exports" / "out.json"
    assert window.documents.export_file(target)
    written = json.loads(target.read_text())
    assert written["id"] == "risk-assessment"
    assert [s["id"] for s in written["steps"]] == [
        "input-1", "transform-1", "ai-1", "compliance-1", "metrics-1"]
    assert written["steps"][2]["config"] == {"threshold": 0.9}
    assert set(written["ui"]["positions"]) == {s["id"] for s in written["steps"]}
    assert not window.session.dirty
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]  # no temp file left behind
    assert window.recent.load()[0] == str(target.resolve())


def test_a_loose_step_stops_export_names_it_and_marks_it(
    window: MainWindow, tmp_path: Path
) -> None:
    loose = window.canvas.add_step("metrics", pos=(0, 600))
    undo_entries = window.canvas.undo_stack.count()
    assert not window.documents.export_file(tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()
    assert window.message_bar.level == "error"
    assert "'Metrics' (metrics-2)" in window.message_bar.text()
    assert loose.item.fault and "Not connected" in loose.item.fault
    assert node(window, "ai-1").item.fault is None
    assert window.canvas.undo_stack.count() == undo_entries  # marking is not an edit
    window.canvas.delete_selected()
    assert loose.item.fault is None or loose.graph is None
    assert window.documents.export_file(tmp_path / "out.json")


def test_a_loop_stops_export_and_marks_the_steps_on_it(window: MainWindow) -> None:
    first, last = node(window, "input-1"), node(window, "metrics-1")
    last.output(0).connect_to(first.input(0))
    assert window.current_experiment() is None
    assert "Loop" in window.message_bar.text()
    assert all(n.item.fault for n in window.canvas.nodes())


def test_importing_a_broken_file_shows_the_problems_and_changes_nothing(
    window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x", "name": "Broken", "steps": [{"id": "a", "type": "ai_decision",'
                      ' "name": "A", "config": {"treshold": 2}}]}')
    before = window.documents.current_document()
    assert not window.documents.import_file(broken)
    assert window.message_bar.level == "error"
    assert "broken.json" in window.message_bar.text()
    assert "treshold" in window.message_bar.text()
    assert window.documents.current_document() == before
    (tmp_path / "syntax.json").write_text('{"id": ')
    assert not window.documents.import_file(tmp_path / "syntax.json")
    assert window.documents.current_document() == before


def test_importing_a_good_file_replaces_the_canvas(window: MainWindow, tmp_path: Path) -> None:
    from tests.ui.test_convert import EXTRAS

    path = tmp_path / "good.json"
    path.write_text(json.dumps(EXTRAS))
    assert window.documents.import_file(path)
    assert {n.step_id() for n in window.canvas.nodes()} == {"in", "t", "ai"}
    assert window.windowTitle().startswith("Keeps what it does not know")


def test_unsaved_changes_are_asked_about_before_they_are_replaced(
    window: MainWindow, tmp_path: Path
) -> None:
    window.canvas.add_step("metrics")
    assert window.session.dirty
    window.answers.append("cancel")  # type: ignore[attr-defined]
    assert not window.documents.new_experiment()
    assert len(window.canvas.nodes()) == 6
    window.answers.append("discard")  # type: ignore[attr-defined]
    assert window.documents.new_experiment()
    assert [n.step_id() for n in window.canvas.nodes()] == ["input-1"]
    assert not window.session.dirty


def test_save_to_library_and_open_it_again(window: MainWindow) -> None:
    window.canvas.set_step_property(node(window, "ai-1"), "name", "Decide")
    assert window.documents.save_to_library()
    assert not window.session.dirty
    assert window.documents.new_experiment()
    assert window.documents.open_library_id("risk-assessment")
    assert node(window, "ai-1").name() == "Decide"
    assert window.session.library_id == "risk-assessment"


def test_tab_search_adds_a_step_by_name(window: MainWindow, qtbot: QtBot) -> None:
    window.quick_add.popup()
    assert window.quick_add.isVisible()
    qtbot.keyClicks(window.quick_add.search, "webh")
    qtbot.keyClick(window.quick_add.search, Qt.Key.Key_Return)
    assert not window.quick_add.isVisible()
    assert any(n.step_type.name == "webhook" for n in window.canvas.nodes())


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    select(window, "ai-1")
    missing = [
        w.objectName() or type(w).__name__
        for w in window.findChildren(QWidget)
        if isinstance(w, QLineEdit | QPlainTextEdit | QComboBox | QCheckBox)
        and w.isVisible() and not w.accessibleName()
    ]
    assert missing == []


def test_the_canvas_paints_its_whole_background_itself(window: MainWindow, qtbot: QtBot) -> None:
    # The viewport is opaque (Qt does not repaint the widgets beneath it, a third of a
    # run step's repaint): so the scene must cover every pixel, or stale pixels would show.
    viewport = window.canvas.view.viewport()
    assert viewport.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
    window.canvas.graph.set_zoom(-0.9)  # steps small in the middle, the edges empty
    qtbot.wait(50)
    image = viewport.grab().toImage()
    background = {(24, 27, 33), (38, 42, 51)}  # the canvas colour and its grid
    corners = [(2, 2), (image.width() - 3, 2), (2, image.height() - 3),
               (image.width() - 3, image.height() - 3)]
    for x, y in corners:
        color = image.pixelColor(x, y)
        rgb = (color.red(), color.green(), color.blue())
        # grid lines thinned out by the zoom blend a shade or two into the canvas colour;
        # what lies beneath (the window, #1f232b) is further away than that
        assert any(max(abs(a - b) for a, b in zip(rgb, bg, strict=True)) <= 3
                   for bg in background), (x, y, color.name())


def test_copies_made_with_the_keyboard_go_into_the_chain_after_the_selected_step(
        window: MainWindow, qtbot: QtBot) -> None:
    canvas = window.canvas
    before = canvas.check().order
    transform = next(n for n in canvas.nodes() if n.step_id() == "transform-1")
    canvas.select([transform])
    canvas.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    report = canvas.check()
    assert report.ok, report.summary()
    ids = [canvas_id_to_step(canvas, i) for i in report.order]
    assert ids[:3] == ["input-1", "transform-1", "transform-2"]  # pasted right after it
    assert len(ids) == len(before) + 1
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # the copy, again
    report = canvas.check()
    assert report.ok, report.summary()
    assert [canvas_id_to_step(canvas, i) for i in report.order][:4] == [
        "input-1", "transform-1", "transform-2", "transform-3"]
    assert canvas.undo_stack.undoText() == "Duplicate steps"
    canvas.undo_stack.undo()
    canvas.undo_stack.undo()
    assert canvas.check().ok and canvas.check().order == before


def canvas_id_to_step(canvas: Canvas, node_id: str) -> str:
    return next(n.step_id() for n in canvas.nodes() if n.id == node_id)


def test_a_long_subtitle_keeps_the_step_id_whole_and_cuts_the_type_at_a_word(
        qapp: object) -> None:
    from PySide6.QtGui import QFont, QFontMetricsF

    from orchestrator_gui.ui.canvas.node_item import elided_subtitle

    metrics = QFontMetricsF(QFont())
    text = "Compliance Check  ·  compliance-1"
    width = metrics.horizontalAdvance("Compliance Ch…  ·  compliance-1")
    cut = elided_subtitle(text, metrics, width)
    assert cut == "Compliance…  ·  compliance-1"  # the whole word kept, and the whole id
    narrow = elided_subtitle(text, metrics, metrics.horizontalAdvance("Com…  ·  compliance-1"))
    assert narrow.endswith("  ·  compliance-1") and "…ompliance" not in narrow
    assert metrics.horizontalAdvance(cut) <= width
    assert elided_subtitle(text, metrics, 1000) == text


def test_the_edit_menu_names_an_edit_as_a_person_would(window: MainWindow) -> None:
    transform = next(n for n in window.canvas.nodes() if n.step_id() == "transform-1")
    window.canvas.set_step_property(transform, "name", "Clean up")
    assert window.canvas.undo_stack.undoText() == "rename Normalize Data to Clean up"
    config = dict(transform.get_property("step_config"))
    window.canvas.set_step_property(transform, "step_config", config | {"mapping": {}})
    undo = window.actions_by_name["actionUndo"]
    assert undo.text() == "&Undo change settings of Clean up"
    assert "step_config" not in undo.text() and "Transform:" not in undo.text()


def test_zoom_to_fit_shows_every_step_even_with_one_selected(
        window: MainWindow, qtbot: QtBot) -> None:
    canvas = window.canvas
    viewer = canvas.graph.viewer()
    first = canvas.nodes()[0]
    canvas.select([first])
    canvas.fit(selection_only=True)  # Shift+F: just the one
    canvas.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.wait(50)
    seen = viewer.mapToScene(viewer.viewport().rect()).boundingRect()
    assert all(seen.contains(n.view.sceneBoundingRect()) for n in canvas.nodes())
    assert canvas.selected() == [first]  # fitting is not selecting
