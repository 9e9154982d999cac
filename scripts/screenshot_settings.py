"""Grab docs/screenshots/settings.png and confirm-hosts.png from the real app (run under Xvfb).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot_settings.py

A throwaway profile gets a settings file (public-only network policy, two
endpoints); a fake OpenAI-compatible server on 127.0.0.1 answers "Test
connection" on the Language models page. Then an experiment with a webhook
and a prompt step is imported from a file and Run is pressed: the app asks
before sending data to its hosts. Each picture is the whole screen, so the
dialog is seen over the window it belongs to.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def profile(folder: Path, model_url: str) -> None:
    (folder / "config").mkdir(parents=True)
    os.environ["ORCHESTRATOR_DB"] = str(folder / "shots.db")
    os.environ["ORCHESTRATOR_USER"] = "demo"
    os.environ["ORCHESTRATOR_CONFIG_DIR"] = str(folder / "config")
    settings = {
        "limits": {"stepTimeoutSeconds": 20, "maxConcurrentRuns": 4},
        # the local model server is the one exception to public-only
        "network": {"policy": "public-only", "allow": [model_url.split("/")[2]]},
        "endpoints": {
            "hosted": {"baseUrl": "https://api.openai.com/v1", "model": "gpt-4o-mini",
                       "apiKey": "${env:OPENAI_API_KEY}", "timeoutSeconds": 20},
            "local": {"baseUrl": model_url, "model": "llama3.2"},
        },
    }
    (folder / "config" / "settings.json").write_text(json.dumps(settings, indent=2))
    shared = {"id": "partner-sync", "name": "Partner Sync (from a colleague)", "steps": [
        {"id": "in", "type": "input", "name": "Collect Input", "config": {}},
        {"id": "summary", "type": "prompt", "name": "Summarise", "config": {
            "endpoint": "hosted", "prompt": "Summarise: {{.}}"}},
        {"id": "crm", "type": "webhook", "name": "Send to CRM", "config": {
            "url": "https://crm.example.com/api/leads"}},
        {"id": "audit", "type": "webhook", "name": "Audit copy", "config": {
            "url": "http://10.0.0.7:8080/audit"}},
    ]}
    (folder / "partner-sync.json").write_text(json.dumps(shared, indent=2))


async def scene(app: object, window: object, folder: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from orchestrator_gui.ui.main_window import MainWindow
    from orchestrator_gui.ui.panels.simulator import RunRequest

    assert isinstance(window, MainWindow) and isinstance(app, QApplication)
    screen = app.primaryScreen()
    window.actions_by_name["actionSettings"].trigger()
    dialog = window.settings_controller.dialog
    assert dialog is not None
    dialog.move(window.x() + 380, window.y() + 170)
    dialog.tabs.setCurrentWidget(dialog.endpoints)
    dialog.endpoints.select("local")
    task = dialog.endpoints.test_connection()
    assert task is not None
    await task
    await asyncio.sleep(0.4)
    screen.grabWindow(0).save(str(OUT / "settings.png"))
    dialog.reject()

    assert window.documents.import_file(folder / "partner-sync.json")
    window.run_experience.run(RunRequest({"email": "ana@example.com"}, "Normal", False))
    hosts = window.import_guard.dialog
    assert hosts is not None, window.message_bar.text()
    await hosts.settled()
    await asyncio.sleep(0.4)
    screen.grabWindow(0).save(str(OUT / "confirm-hosts.png"))
    hosts.choose("cancel")
    await asyncio.sleep(0.1)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="orchestrator-settings-shot-"))
    sys.path.insert(0, str(ROOT))
    from tests.fake_openai import completion
    from tests.httpserver import ScriptedServer

    server = ScriptedServer()
    server.default = completion("ok", model="llama3.2")
    server.start()
    profile(folder, server.url("/v1"))
    import qasync

    from orchestrator_gui.ui.app import application, build_window

    app = application([])
    window = build_window(None)
    window.resize(1600, 1000)
    window.move(0, 0)
    window.show()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            OUT.mkdir(parents=True, exist_ok=True)
            loop.run_until_complete(scene(app, window, folder))
    finally:
        server.stop()
    window.canvas.undo_stack.setClean()
    print(f"saved {OUT / 'settings.png'} and {OUT / 'confirm-hosts.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
