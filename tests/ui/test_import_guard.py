"""Before the first run of an imported experiment the app lists where data goes, and asks.

Real main window, real engine on a qasync loop, a real HTTP server on
127.0.0.1 as the webhook's target (so "nothing was sent" is what the server
saw), the user's answers remembered in the test's config folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from orchestrator_gui import resources
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.settings import AppSettings, NetworkSettings
from orchestrator_gui.ui.hosts_dialog import HostsDialog, verdict_now
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.panels.simulator import RunRequest
from tests.httpserver import ScriptedServer, http_server
from tests.ui.run_support import qloop

__all__ = ["http_server", "qloop"]

REQUEST = RunRequest({"riskScore": 0.9, "email": "a@example.com"}, "t", False)


def webhook_doc(*urls: str, exp_id: str = "imported-hook") -> dict[str, Any]:
    steps: list[dict[str, Any]] = [{"id": "in", "type": "input", "name": "In", "config": {}}]
    for n, url in enumerate(urls):
        steps.append({"id": f"hook-{n}", "type": "webhook", "name": f"Hook {n}",
                      "config": {"url": url, "retries": 0, "timeoutSeconds": 5}})
    return {"id": exp_id, "name": "Imported hook", "steps": steps}


def import_doc(window: MainWindow, tmp_path: Path, doc: dict[str, Any],
               name: str = "shared.json") -> Path:
    path = tmp_path / name
    path.write_text(jsonio.dumps_pretty(doc), encoding="utf-8")
    assert window.documents.import_file(path)
    return path


def run(window: MainWindow, **request: Any) -> Any:
    return window.run_experience.run(replace(REQUEST, **request))  # type: ignore[union-attr]


def asked(window: MainWindow) -> HostsDialog:
    dialog = window.import_guard.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows_of(dialog: HostsDialog) -> dict[str, str]:
    """Each host's row as shown, by host."""
    return {host: item.text() for host, item in dialog.items.items()}


def finish(window: MainWindow, qtbot: Any) -> Any:
    controller = window.run_experience.controller  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: controller.shown.live is not None and controller.shown.live.finished,
                    timeout=10000)
    return controller.shown.live


def test_first_run_lists_the_hosts_and_cancel_sends_nothing(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer) -> None:
    host = f"127.0.0.1:{http_server.port}"
    import_doc(window, tmp_path, webhook_doc(http_server.url("/hook")))
    assert run(window) is None
    dialog = asked(window)
    assert rows_of(dialog) == {host: f"• {host}"}
    assert "shared.json" in dialog.intro.text() and "first run" in dialog.intro.text()
    assert not window.run_experience.controller.handles  # type: ignore[attr-defined]
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: window.import_guard.dialog is None)
    assert http_server.requests == []
    assert "nothing was sent" in window.message_bar.text()
    assert run(window) is None  # Cancel is not remembered: asked again
    asked(window).run_button.click()
    result = finish(window, qtbot)
    assert result.status == "success" and len(http_server.requests) == 1
    kept = [a for a in window.store().list_approvals() if a["experimentId"] == "imported-hook"]
    assert [a["hosts"] for a in kept] == [[host]]  # in the store, where the CLI reads it
    second = run(window)  # remembered: runs at once
    assert second is not None and window.import_guard.dialog is None


def test_dry_run_instead_is_remembered_and_can_be_asked_again(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer) -> None:
    import_doc(window, tmp_path, webhook_doc(http_server.url("/hook")))
    run(window)
    asked(window).dry_button.click()
    result = finish(window, qtbot)
    assert result.dry_run and result.status == "success" and http_server.requests == []
    assert window.import_guard.choices.get("imported-hook") is not None

    again = run(window)  # a real run of it becomes a dry run, and the app says so
    assert again is None and window.import_guard.dialog is None
    result = finish(window, qtbot)
    assert result.dry_run and http_server.requests == []
    assert "runs as a dry run" in window.message_bar.text()
    assert window.message_bar.action_button.text() == "Ask again"
    window.message_bar.action_button.click()
    run(window)
    asked(window).run_button.click()
    assert not finish(window, qtbot).dry_run and len(http_server.requests) == 1


def test_public_only_marks_the_hosts_it_will_refuse(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    window.settings_controller.apply(AppSettings(network=NetworkSettings(policy="public-only")))
    import_doc(window, tmp_path, webhook_doc("http://127.0.0.1:9/a", "http://localhost:9/b",
                                             "https://93.184.215.14/c"))
    run(window)
    dialog = asked(window)
    assert "checking" in rows_of(dialog)["localhost:9"]  # names are resolved off the UI thread
    qtbot.waitUntil(lambda: dialog.refused.get("localhost:9") is not None, timeout=5000)
    rows = rows_of(dialog)
    assert rows["127.0.0.1:9"] == "✗ 127.0.0.1:9\n      will be refused: loopback"
    assert rows["localhost:9"] == "✗ localhost:9\n      will be refused: resolves to 127.0.0.1: loopback"
    assert "allowed by the network policy" in rows["93.184.215.14"]
    assert "public-only" in dialog.findChild(QLabel, "hostsPolicy").text()
    assert dialog.refused == {"127.0.0.1:9": True, "localhost:9": True, "93.184.215.14": False}
    dialog.cancel_button.click()


def test_a_host_added_later_is_asked_about(window: MainWindow, qtbot: Any, qloop: Any,
                                           tmp_path: Path) -> None:
    first, second = "http://127.0.0.1:9/a", "http://127.0.0.1:10/b"
    import_doc(window, tmp_path, webhook_doc(first))
    run(window, dry_run=True)  # a dry run of webhooks sends nothing: not asked
    assert window.import_guard.dialog is None
    finish(window, qtbot)
    run(window)
    asked(window).run_button.click()
    finish(window, qtbot)
    import_doc(window, tmp_path, webhook_doc(first, second), name="shared-v2.json")
    run(window)
    rows = rows_of(asked(window))
    assert rows["127.0.0.1:10"].endswith("not asked about before")
    assert rows["127.0.0.1:9"] == "• 127.0.0.1:9"
    assert "hosts you were not asked about" in asked(window).intro.text()
    asked(window).cancel_button.click()


def test_shipped_examples_are_not_asked_about_from_a_file_or_the_library(
        window: MainWindow, qtbot: Any, qloop: Any) -> None:
    shipped = resources.path("examples", "webhook-notification.json")
    assert window.documents.import_file(shipped)
    assert run(window, dry_run=True) is not None and window.import_guard.dialog is None
    finish(window, qtbot)
    assert window.documents.open_library_id("webhook-notification")
    assert run(window, dry_run=True) is not None and window.import_guard.dialog is None
    finish(window, qtbot)
    assert window.store().list_approvals() == []  # trusted by fingerprint: nothing to keep


def test_the_answer_lives_outside_the_document(window: MainWindow, qtbot: Any, qloop: Any,
                                              tmp_path: Path) -> None:
    doc = webhook_doc("http://127.0.0.1:9/a")
    doc["ui"] = {"confirmed": True, "hostsConfirmed": ["127.0.0.1:9"]}  # a file vouching for itself
    path = tmp_path / "vouching.json"
    path.write_text(jsonio.dumps_pretty(doc), encoding="utf-8")
    if window.documents.import_file(path):  # the ui block may or may not be accepted; either way, ask
        assert run(window) is None
        asked(window).cancel_button.click()
    else:
        assert "vouching.json" in window.message_bar.text()


def test_allow_list_verdicts_from_the_spelling_alone() -> None:
    names_only = NetworkSettings(policy="allow-list", allow=["api.example.com"])
    assert verdict_now("evil.example.net", names_only) == (
        "will be refused: not in the allow-list", True)
    network = NetworkSettings(policy="allow-list", allow=["api.example.com", "10.0.0.0/8"])
    assert verdict_now("evil.example.net", network)[1] is None  # may resolve into 10/8
    assert verdict_now("10.1.2.3:8080", network) == ("allowed by the network policy", False)
    assert verdict_now("api.example.com", network)[1] is None  # a name: resolved to know for sure
    assert verdict_now("anything.example", NetworkSettings()) == ("", False)


def test_the_question_names_each_variable_and_a_new_one_asks_again(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer, monkeypatch: Any) -> None:
    monkeypatch.setenv("SHARED_TOKEN", "tok-1234567890")
    host = f"127.0.0.1:{http_server.port}"
    doc = webhook_doc(http_server.url("/hook"))
    doc["steps"][1]["config"]["headers"] = {"Authorization": "Bearer ${env:SHARED_TOKEN}"}
    import_doc(window, tmp_path, doc)
    assert run(window) is None
    dialog = asked(window)
    said = dialog.secrets.text()
    assert dialog.secrets.isVisibleTo(dialog)
    assert "${env:SHARED_TOKEN}" in said and "hook-0" in said and host in said
    dialog.run_button.click()
    assert finish(window, qtbot).status == "success"
    assert http_server.requests[0].headers["authorization"] == "Bearer tok-1234567890"

    # the same host, one more variable: the user was not asked about it, so ask again
    doc["steps"][1]["config"]["headers"]["X-Home"] = "${env:HOME}"
    import_doc(window, tmp_path, doc)
    assert run(window) is None
    again = asked(window)
    assert "${env:HOME}" in again.secrets.text()
    again.cancel_button.click()
    qtbot.waitUntil(lambda: window.import_guard.dialog is None)
    assert len(http_server.requests) == 1


@pytest.fixture
def notify_type() -> Iterator[str]:
    """A plugin-like type that contacts the network at a place its config does not name."""
    from orchestrator_gui.core.registry import StepType, default_registry

    async def notify(step: Any, ctx: Any) -> dict[str, Any]:
        return dict(ctx.input)

    default_registry().register(StepType("acme_notify", notify, contacts_network=True))
    yield "acme_notify"
    default_registry().unregister("acme_notify")


def test_a_plugin_type_that_contacts_the_network_is_asked_about_like_a_webhook(
        notify_type: str, window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    doc = {"id": "imported-notify", "name": "Imported notify", "steps": [
        {"id": "in", "type": "input", "name": "In", "config": {}},
        {"id": "tell", "type": notify_type, "name": "Tell", "config": {"channel": "#ops"}}]}
    import_doc(window, tmp_path, doc)
    assert run(window) is None  # held: nothing runs before the answer
    dialog = asked(window)
    assert "step tell (acme_notify) sends data to a destination the document does not name" \
        in dialog.secrets.text()
    dialog.run_button.click()
    assert finish(window, qtbot).status == "success"
    assert run(window) is not None and window.import_guard.dialog is None  # remembered
