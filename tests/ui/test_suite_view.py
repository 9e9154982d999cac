"""The scenario suite: edited with the experiment, run with progress, a grid and a heatmap."""

# ruff: noqa: F811  (pytest fixtures imported from support modules are redefined as arguments)

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.analysis.style import FIXED, NEW_FAIL
from tests.ui.analysis_support import main_window  # noqa: F401 (fixture)
from tests.ui.run_support import experiment, qloop  # noqa: F401 (fixture)


def open_suite(window: Any) -> Any:
    window.actions_by_name["actionSuite"].trigger()
    return window.analysis.suite_window


def add_from_preset(suite: Any, preset: str) -> None:
    editor = suite.editor
    editor.add_menu.aboutToShow.emit()
    presets = next(a.menu() for a in editor.add_menu.actions() if a.text() == "From a preset")
    next(a for a in presets.actions() if a.text() == preset).trigger()


def expect(suite: Any, row: int, *lines: str) -> bool:
    suite.editor.scenarios.setCurrentRow(row)
    suite.editor.expect.setPlainText("\n".join(lines))
    return bool(suite.editor.apply_now())


def run(qtbot: Any, suite: Any) -> None:
    suite.run_button.click()
    qtbot.waitUntil(lambda: suite.run_button.isEnabled(), timeout=15000)


def test_scenarios_are_part_of_the_document_dirty_undoable_and_exported(
        main_window: Any, qtbot: Any, tmp_path: Path) -> None:
    suite = open_suite(main_window)
    assert suite.isVisible() and not suite.isModal()
    assert not main_window.isWindowModified()
    add_from_preset(suite, "High Risk")
    assert main_window.isWindowModified()  # the suite is part of the experiment
    assert expect(suite, 0, 'decision.outcome == "above"', "compliance.passed == true")
    assert not expect(suite, 0, "decision.outcome == above")  # a bare word is refused
    assert "Expect line 1" in suite.editor.problem.text()
    assert "not JSON" in suite.editor.problem.text()
    document = main_window.documents.current_document()
    assert document["suite"]["scenarios"] == [{
        "name": "High Risk", "input": {"riskScore": 0.9, "email": "user@example.com"},
        "expect": ['decision.outcome == "above"', "compliance.passed == true"]}]
    out = tmp_path / "exported.json"
    assert main_window.documents.export_file(out)
    assert load_experiment(out).suite.scenarios[0].name == "High Risk"
    main_window.canvas.undo_stack.undo()  # the expectation edit
    assert suite.editor.expect.toPlainText() == ""
    main_window.canvas.undo_stack.undo()  # the scenario itself
    assert "suite" not in main_window.documents.current_document()
    assert suite.editor.scenarios.count() == 0


def test_import_csv_adds_scenarios_and_a_bad_file_imports_nothing(
        main_window: Any, tmp_path: Path) -> None:
    suite = open_suite(main_window)
    good = tmp_path / "cases.csv"
    good.write_text('name,riskScore,email,expect\nlow,0.1,null,"decision.outcome == ""below"""\n'
                    'high,0.95,person@eu.com,"decision.outcome == ""above"""\n', encoding="utf-8")
    assert suite.editor.import_file(good) == 2
    assert [s.name for s in suite.editor.suite.scenarios] == ["low", "high"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "ok", "input": {}}\n{"name": "broken", "expect": ["x =="]}\n',
                   encoding="utf-8")
    assert suite.editor.import_file(bad) == 0
    assert "line 2" in suite.editor.problem.text()
    assert suite.editor.scenarios.count() == 2


def test_run_suite_shows_the_grid_the_heatmap_and_what_changed_since_last_time(
        main_window: Any, qtbot: Any) -> None:
    suite = open_suite(main_window)
    for preset in ("Happy Path", "High Risk", "GDPR Sensitive"):
        add_from_preset(suite, preset)
    assert expect(suite, 0, 'decision.outcome == "below"', 'status == "success"')
    assert expect(suite, 1, 'decision.outcome == "above"')
    assert expect(suite, 2, 'decision.outcome == "above"')  # wrong: 0.5 is below 0.7
    run(qtbot, suite)
    assert suite.progress.value() == suite.progress.maximum() == 3
    assert "2 passed · 1 failed" in suite.summary.text()
    assert "First suite run" in suite.delta.text()
    assert suite.grid.verdicts() == {"Happy Path": "✓ pass", "High Risk": "✓ pass",
                                     "GDPR Sensitive": "✗ fail"}
    assert suite.grid.expectations == ['decision.outcome == "below"', 'status == "success"',
                                       'decision.outcome == "above"']
    failing = suite.grid.item(2, 4)
    assert failing.text() == '✗ "below"' and "step: ai-1" in failing.toolTip()
    assert suite.grid.item(0, 4).text() == ""  # Happy Path does not check that one
    heat = {step_id: count for step_id, _name, count in suite.heatmap.cells}
    assert heat == {"input-1": 0, "transform-1": 0, "ai-1": 1, "compliance-1": 0, "metrics-1": 0}

    # fix one, break another: the grid says which is new and which is fixed
    assert expect(suite, 2, 'decision.outcome == "below"')
    assert expect(suite, 1, 'decision.outcome == "below"')
    run(qtbot, suite)
    verdicts = suite.grid.verdicts()
    assert verdicts["High Risk"] == "✗ NEW failure" and verdicts["GDPR Sensitive"] == "✓ fixed"
    assert suite.grid.item(1, 1).foreground().color().name() == NEW_FAIL
    assert suite.grid.item(2, 1).foreground().color().name() == FIXED
    assert "1 new failure" in suite.delta.text() and "1 fixed" in suite.delta.text()
    # the history stays the user's: scenario runs are not stored as runs
    assert main_window.run_experience.history.model.rowCount() == 0
    kept = main_window.store().list_suite_runs("risk-assessment")
    assert len(kept) == 2 and orjson.loads(orjson.dumps(kept[0]))["failed"] == 1


def test_cancel_stops_a_suite_and_nothing_is_kept(main_window: Any, qtbot: Any) -> None:
    main_window.canvas.load(experiment(main_window.registry, [
        ("start", "input", {}), ("wait", "sleep", {"seconds": 5})], exp_id="slow"))
    suite = open_suite(main_window)
    for number in range(4):
        suite.editor.add_scenario(f"case {number}", {"n": number})
    suite.run_button.click()
    assert suite.cancel_button.isEnabled() and not suite.run_button.isEnabled()
    suite.cancel_button.click()
    qtbot.waitUntil(lambda: suite.run_button.isEnabled(), timeout=5000)
    assert "cancelled" in suite.summary.text() and "nothing kept" in suite.summary.text()
    assert main_window.store().list_suite_runs("slow") == []


def test_opening_another_experiment_shows_its_own_suite(main_window: Any, qtbot: Any) -> None:
    suite = open_suite(main_window)
    suite.editor.add_scenario("approve", {"riskScore": 0.1}, ['decision.outcome == "below"'])
    run(qtbot, suite)
    assert suite.grid.rowCount() == 1
    main_window.canvas.undo_stack.setClean()
    main_window.canvas.load(experiment(main_window.registry, [("start", "input", {})],
                                       exp_id="other", name="Other"))
    assert suite.windowTitle() == "Scenario suite — Other"
    assert suite.editor.scenarios.count() == 0 and suite.grid.rowCount() == 0
