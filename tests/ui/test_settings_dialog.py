"""The Settings window: edits saved atomically, applied to the running app, keys refused.

Real main window, real settings file (in the test's ORCHESTRATOR_CONFIG_DIR),
a real fake-OpenAI server on 127.0.0.1 for "Test connection".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QPushButton

from orchestrator_gui import resources
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.settings import AppSettings, settings_path
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.panels.simulator import RunRequest
from orchestrator_gui.ui.settings_dialog import SettingsDialog
from tests.fake_openai import MODEL, completion, fake_openai
from tests.httpserver import ScriptedServer, closed_port
from tests.ui.run_support import qloop

__all__ = ["fake_openai", "qloop"]

LLM_CHAIN = resources.path("examples", "ai-prompt-chain-llm.json")


def open_settings(window: MainWindow, qtbot: Any) -> SettingsDialog:
    window.actions_by_name["actionSettings"].trigger()
    dialog = window.settings_controller.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_action_has_ctrl_comma_and_opens_a_non_modal_dialog(window: MainWindow,
                                                                 qtbot: Any) -> None:
    action = window.actions_by_name["actionSettings"]
    assert action.shortcut().toString() == "Ctrl+,"
    dialog = open_settings(window, qtbot)
    assert not dialog.isModal()  # the window (and runs) keep going while it is open
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Limits", "Network", "Language models"]
    assert dialog.step_timeout.value() == 30.0 and dialog.max_concurrent.value() == 10


def test_saved_settings_reach_the_file_and_the_running_engine(window: MainWindow,
                                                              qtbot: Any) -> None:
    dialog = open_settings(window, qtbot)
    dialog.step_timeout.setValue(12.5)
    dialog.run_timeout.setValue(40)
    dialog.max_payload.setValue(2_000_000)
    dialog.max_concurrent.setValue(3)
    dialog.max_stored.setValue(250)
    dialog.policy.setCurrentIndex(dialog.policy.findData("public-only"))
    dialog.allow.setPlainText("127.0.0.1:11434\n\n  models.example.com  \n")
    editor = dialog.endpoints
    editor.add_endpoint()
    editor.name.setText("local")
    editor.base_url.setText("http://127.0.0.1:11434/v1")
    editor.model.setText("llama3.2")
    editor.api_key.setText("${env:LOCAL_KEY}")
    editor.timeout.setValue(12)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    assert not dialog.isVisible()
    on_disk = AppSettings.load()
    assert on_disk.limits.step_timeout_seconds == 12.5
    assert on_disk.limits.max_concurrent_runs == 3 and on_disk.limits.max_stored_runs == 250
    assert on_disk.network.policy == "public-only"
    assert on_disk.network.allow == ["127.0.0.1:11434", "models.example.com"]
    local = on_disk.endpoints["local"]
    assert (local.base_url, local.model, local.api_key, local.timeout_seconds) == (
        "http://127.0.0.1:11434/v1", "llama3.2", "${env:LOCAL_KEY}", 12.0)
    engine = window.run_experience.controller.engine  # type: ignore[attr-defined]
    assert engine.limits.step_timeout_seconds == 12.5 and engine.limits.max_concurrent_runs == 3
    assert engine.limits.max_payload_bytes == 2_000_000
    assert engine.settings.network.policy == "public-only"
    assert window.store().runs.max_runs == 250
    assert "Settings saved" in window.message_bar.text()
    assert not list(settings_path().parent.glob("*.tmp"))  # written atomically, nothing left


def test_a_raw_api_key_is_refused_and_nothing_is_written(window: MainWindow, qtbot: Any) -> None:
    dialog = open_settings(window, qtbot)
    editor = dialog.endpoints
    dialog.tabs.setCurrentWidget(editor)
    editor.add_endpoint("hosted", "https://api.example.com/v1", "gpt-4o-mini")
    editor.api_key.setText("sk-live-1234567890abcdef")
    assert editor.problem.isVisible() and "not the key itself" in editor.problem.text()
    assert dialog.save() is None
    assert dialog.isVisible()
    assert "endpoints.hosted.apiKey" in dialog.problem.text()
    assert "${secret:NAME}" in dialog.problem.text()
    assert not settings_path().exists()
    editor.api_key.setText("${secret:openai}")
    assert editor.problem.isHidden()
    assert dialog.save() is not None
    assert AppSettings.load().endpoints["hosted"].api_key == "${secret:openai}"
    assert b"sk-live" not in settings_path().read_bytes()


def test_test_connection_answers_without_freezing_the_window(
        window: MainWindow, qtbot: Any, qloop: Any, fake_openai: ScriptedServer) -> None:
    fake_openai.script(completion("ok", delay=0.6))
    dialog = open_settings(window, qtbot)
    editor = dialog.endpoints
    editor.add_endpoint("local", fake_openai.url("/v1"), MODEL)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    task = editor.test_connection()
    assert task is not None
    assert not editor.test_button.isEnabled() and "Testing local" in editor.result.text()
    qtbot.waitUntil(task.done, timeout=10000)
    timer.stop()
    assert "✓ local: ok" in editor.result.text() and MODEL in editor.result.text()
    assert " ms " in editor.result.text() and editor.test_button.isEnabled()
    assert len(ticks) >= 10  # the event loop went on painting while the request was out
    assert fake_openai.requests[-1].path == "/v1/chat/completions"
    assert not settings_path().exists()  # testing saves nothing


def test_a_failing_connection_says_why(window: MainWindow, qtbot: Any, qloop: Any) -> None:
    dialog = open_settings(window, qtbot)
    editor = dialog.endpoints
    editor.add_endpoint("down", f"http://127.0.0.1:{closed_port()}/v1", "m")
    task = editor.test_connection()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=15000)
    assert editor.result.text().startswith("✗ down: failed:")
    assert "connect" in editor.result.text().lower()


def test_an_unreadable_settings_file_is_reported_and_kept(qtbot: Any) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    bad = b'{"limits": {"stepTimeoutSeconds": "fast"}}'
    path.write_bytes(bad)
    window = MainWindow()
    qtbot.addWidget(window)
    window.documents.open_experiment(load_experiment(resources.path("examples", "risk-assessment.json")))
    shown = window.message_bar.text()
    assert str(path) in shown and "limits.stepTimeoutSeconds" in shown
    assert window.message_bar.action_button.text() == "Open settings"
    engine = window.run_experience.controller.engine  # type: ignore[attr-defined]
    assert engine.limits.step_timeout_seconds == 30.0  # defaults, not a crash

    window.message_bar.action_button.click()
    box = window.settings_controller.question
    assert isinstance(box, QMessageBox) and "limits.stepTimeoutSeconds" in box.text()
    assert path.read_bytes() == bad  # asking changes nothing
    button = next(b for b in box.buttons() if b.text() == "Open defaults")
    assert isinstance(button, QPushButton)
    button.click()
    dialog = window.settings_controller.dialog
    assert dialog is not None and dialog.unreadable is not None
    assert dialog.step_timeout.value() == 30.0
    assert path.read_bytes() == bad  # opening the defaults overwrites nothing
    dialog.step_timeout.setValue(5)
    assert dialog.save() is not None
    assert path.with_name("settings.json.unreadable").read_bytes() == bad
    assert AppSettings.load().limits.step_timeout_seconds == 5.0
    window.close()


def test_the_llm_example_without_an_endpoint_says_what_to_set(window: MainWindow,
                                                              qtbot: Any, qloop: Any) -> None:
    window.documents.open_experiment(load_experiment(LLM_CHAIN), library_id="ai-prompt-chain-llm")
    text = window.message_bar.text()
    assert window.message_bar.level == "warning"
    assert "“local”" in text and "Settings → Language models" in text and "Test connection" in text
    assert window.message_bar.action_button.isVisible()
    assert window.message_bar.action_button.text() == "Open settings"

    experience = window.run_experience  # type: ignore[attr-defined]
    window.message_bar.clear()
    assert experience.run(RunRequest({"message": "hi"}, "x", False)) is None
    assert not experience.controller.handles  # not started: it would only fail at step 2
    assert "“local”" in window.message_bar.text()

    window.message_bar.action_button.click()
    dialog = window.settings_controller.dialog
    assert dialog is not None and dialog.tabs.currentWidget() is dialog.endpoints
    row = dialog.endpoints.current()
    assert row is not None and row["name"] == "local" and row["baseUrl"].startswith("http://")
    assert dialog.save() is not None  # one click more and the example is configured
    window.documents.open_experiment(load_experiment(LLM_CHAIN), library_id="ai-prompt-chain-llm")
    assert "“local”" not in window.message_bar.text()


def test_a_running_run_keeps_its_limits_and_the_next_run_gets_the_new_ones(
        qtbot: Any, qloop: Any) -> None:
    from tests.ui.run_support import make_registry

    registry = make_registry()
    win = MainWindow(registry=registry)
    qtbot.addWidget(win)
    doc = {"id": "slow", "name": "Slow", "steps": [
        {"id": "in", "type": "input", "name": "In", "config": {}},
        {"id": "nap", "type": "sleep", "name": "Nap", "config": {"seconds": 0.6}}]}
    win.documents.open_experiment(load_experiment(doc, registry=registry))
    experience = win.run_experience  # type: ignore[attr-defined]
    request = RunRequest({}, "t", False)
    first = experience.run(request)
    assert first is not None
    qtbot.waitUntil(lambda: first.steps[1].status == "running", timeout=5000)
    dialog = open_settings(win, qtbot)
    dialog.step_timeout.setValue(0.2)
    assert dialog.save() is not None
    qtbot.waitUntil(lambda: first.finished, timeout=10000)
    assert first.status == "success"  # started under 30 s, kept them
    second = experience.run(request)
    assert second is not None
    qtbot.waitUntil(lambda: second.finished, timeout=10000)
    assert second.steps[1].status == "timeout" and second.status != "success"
    experience.controller.flush(5)
    win.close()


def test_settings_path_is_the_test_profile(tmp_path: Path) -> None:
    assert settings_path().is_relative_to(tmp_path)  # nothing here touches the real profile
