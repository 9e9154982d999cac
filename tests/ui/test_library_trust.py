"""The app and the CLI keep one answer to "may this document send?": the store's table.

Real processes of ``python -m orchestrator_gui`` (``import``, ``trust``) on the
test's SQLite file, the real main window opening from its Library dialog, a
real HTTP server on 127.0.0.1 as the webhook's target (so "not run" is what the
server saw). docs/hardening.md, "Trust".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from orchestrator_gui.cli.output import CliError
from orchestrator_gui.cli.trust import require_trust
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.import_guard import LEGACY_FILENAME
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.panels.library import LibraryDialog
from orchestrator_gui.ui.panels.simulator import RunRequest
from tests.httpserver import ScriptedServer, http_server
from tests.ui.run_support import qloop

__all__ = ["http_server", "qloop"]

REQUEST = RunRequest({"riskScore": 0.9}, "t", False)


def hook_doc(url: str, exp_id: str = "cli-imported", **headers: str) -> dict[str, Any]:
    return {"id": exp_id, "name": "Shared by a colleague", "steps": [
        {"id": "in", "type": "input", "name": "In", "config": {}},
        {"id": "hook", "type": "webhook", "name": "Hook",
         "config": {"url": url, "retries": 0, "timeoutSeconds": 5, "headers": headers}}]}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI on the test's database (ORCHESTRATOR_DB, set per test)."""
    return subprocess.run([sys.executable, "-m", "orchestrator_gui", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=60)


def cli_import(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "from-a-colleague.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    done = cli("import", str(path))
    assert done.returncode == 0, done.stderr


def open_from_library(window: MainWindow, experiment_id: str) -> bool:
    """File → Open from library…, the row picked and Open pressed, as a user does."""
    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LibraryDialog):
            QTimer.singleShot(10, pick)
            return
        dialog.select_id(experiment_id)
        dialog.accept()

    QTimer.singleShot(0, pick)
    return window.documents.open_from_library()


def finish(window: MainWindow, qtbot: Any) -> Any:
    experience = window.run_experience
    assert experience is not None
    qtbot.waitUntil(lambda: experience.shown.live is not None
                    and experience.shown.live.finished, timeout=10000)
    return experience.shown.live


def run(window: MainWindow, request: RunRequest = REQUEST) -> Any:
    assert window.run_experience is not None
    return window.run_experience.run(request)


def test_an_experiment_the_cli_imported_is_asked_about_when_opened_from_the_library(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer) -> None:
    cli_import(tmp_path, hook_doc(http_server.url("/hook")))
    assert open_from_library(window, "cli-imported")
    assert window.session.origin == "library" and window.session.library_id == "cli-imported"

    assert run(window) is None  # not run: asked first
    dialog = window.import_guard.dialog
    assert dialog is not None and dialog.isVisible()
    assert f"127.0.0.1:{http_server.port}" in dialog.items
    assert window.run_experience is not None and not window.run_experience.controller.handles
    assert http_server.requests == []

    dialog.run_button.click()  # approved in the app ...
    assert finish(window, qtbot).status == "success" and len(http_server.requests) == 1
    listed = cli("trust", "--list", "--json")  # ... is what the CLI reads
    assert listed.returncode == 0, listed.stderr
    assert [a["experimentId"] for a in json.loads(listed.stdout)] == ["cli-imported"]
    assert cli("run", "cli-imported").returncode == 0  # and the CLI runs it without asking
    assert len(http_server.requests) == 2


def test_an_approval_given_with_orchestrator_trust_is_not_asked_again_in_the_app(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer) -> None:
    cli_import(tmp_path, hook_doc(http_server.url("/hook")))
    approved = cli("trust", "cli-imported")
    assert approved.returncode == 0, approved.stderr
    assert open_from_library(window, "cli-imported")
    assert run(window) is not None and window.import_guard.dialog is None
    assert finish(window, qtbot).status == "success" and len(http_server.requests) == 1

    revoked = cli("trust", "--revoke", "cli-imported")  # taken back with the CLI: asked again
    assert revoked.returncode == 0, revoked.stderr
    assert run(window) is None and window.import_guard.dialog is not None
    window.import_guard.dialog.cancel_button.click()
    assert len(http_server.requests) == 1


def test_an_experiment_made_in_the_app_is_not_asked_about_when_reopened(
        window: MainWindow, qtbot: Any, qloop: Any, http_server: ScriptedServer) -> None:
    assert window.documents.new_experiment()
    window.documents.open_experiment(load_experiment(hook_doc(http_server.url("/h"), "mine")))
    assert window.documents.save_to_library()
    assert open_from_library(window, "mine") and window.session.origin == "library"
    assert run(window) is not None and window.import_guard.dialog is None
    assert finish(window, qtbot).status == "success" and len(http_server.requests) == 1


def test_answers_kept_by_the_app_before_are_moved_into_the_store(
        window: MainWindow, qtbot: Any, qloop: Any, tmp_path: Path,
        http_server: ScriptedServer) -> None:
    host = f"127.0.0.1:{http_server.port}"
    legacy = window.import_guard.legacy.path
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps({"old-answer": {
        "file": "/home/ana/shared.json", "answer": "run", "hosts": [host], "references": [],
        "at": "2026-11-01T10:00:00+00:00"}}), encoding="utf-8")
    assert legacy.name == LEGACY_FILENAME
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(hook_doc(http_server.url("/hook"), "old-answer")),
                    encoding="utf-8")
    assert window.documents.import_file(path)
    assert run(window) is not None and window.import_guard.dialog is None  # as before
    assert finish(window, qtbot).status == "success"
    kept = window.store().list_approvals()
    assert [(a["experimentId"], a["hosts"], a["source"]) for a in kept] == [
        ("old-answer", [host], "/home/ana/shared.json")]
    assert not legacy.exists()  # read once: the store holds the answer now


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hosts=st.lists(st.sampled_from(["a.example", "b.example:8443", "10.0.0.7"]),
                      min_size=1, max_size=3, unique=True),
       header=st.sampled_from(["", "${env:TOKEN}", "${secret:crm}"]),
       approve_with=st.sampled_from(["app", "cli", "nobody"]),
       changed=st.booleans())
def test_the_app_and_the_cli_give_the_same_answer(
        window: MainWindow, tmp_path: Path, hosts: list[str], header: str, approve_with: str,
        changed: bool) -> None:
    # Whoever approved (the app's dialog or `orchestrator trust`), both gates then agree:
    # the approved document may run, and one whose sending step changed may not.
    store = window.store()
    store.revoke("")  # every approval of this user: each example starts from none
    steps = [{"id": "in", "type": "input", "name": "In", "config": {}}]
    steps += [{"id": f"hook-{n}", "type": "webhook", "name": f"Hook {n}",
               "config": {"url": f"https://{h}/x", "headers": {"X": header} if header else {}}}
              for n, h in enumerate(hosts)]
    doc = {"id": "shared-prop", "name": "Shared", "steps": steps}
    experiment = load_experiment(doc)
    window.documents.open_experiment(experiment, path=tmp_path / "s.json", origin="file")
    guard = window.import_guard
    if approve_with == "app":
        assert guard.holds(experiment, REQUEST, lambda _r: None)
        assert guard.dialog is not None
        guard.dialog.run_button.click()
    elif approve_with == "cli":
        from orchestrator_gui.core import trust

        store.approve(trust.exposure(experiment, window.session.settings), "shared-prop",
                      source="cli")
    if changed:
        steps[-1]["config"]["url"] = "https://elsewhere.example/y"
        experiment = load_experiment(doc)
        window.documents.open_experiment(experiment, path=tmp_path / "s.json", origin="file")
    app_asks = guard.holds(experiment, REQUEST, lambda _r: None)
    if guard.dialog is not None:
        guard.dialog.cancel_button.click()
    try:
        require_trust(experiment, label="s.json", db=None, store=store)
        cli_refuses = False
    except CliError:
        cli_refuses = True
    assert app_asks == cli_refuses == (approve_with == "nobody" or changed)
