"""Start the real app and save what a user sees to docs/screenshots/.

Run it on a real display or under Xvfb (the xcb platform, not offscreen, so
fonts and window decorations are what users get):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

It opens the first-start example (Risk Assessment) in a temporary library,
selects the AI Decision step so the properties panel shows a generated form,
and grabs the window; then it shows a validation error and a chain fault.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> int:
    scratch = tempfile.mkdtemp(prefix="orchestrator-shots-")
    os.environ.setdefault("ORCHESTRATOR_DB", str(Path(scratch) / "orchestrator.db"))
    os.environ.setdefault("ORCHESTRATOR_CONFIG_DIR", str(Path(scratch) / "config"))
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QLineEdit

    from orchestrator_gui.ui import app as gui_app

    app = gui_app.application(sys.argv[1:])
    window = gui_app.build_window(None)
    window.resize(1560, 940)
    window.show()

    def settle() -> None:
        for _ in range(20):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    settle()
    window.canvas.fit()
    ai = next(n for n in window.canvas.nodes() if n.step_id() == "ai-1")
    window.canvas.select([ai])
    settle()
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "editor.png"))

    loose = window.canvas.add_step("webhook", pos=(ai.x_pos(), ai.y_pos() + 200))
    window.canvas.select([ai])
    window.documents.validate()
    line = window.properties.editor("threshold").control
    assert isinstance(line, QLineEdit)
    line.setText("1.5")
    line.textEdited.emit("1.5")
    settle()
    window.grab().save(str(OUT / "editor-problems.png"))
    print(f"saved {OUT / 'editor.png'} and {OUT / 'editor-problems.png'} ({loose.step_id()})")
    window.canvas.undo_stack.setClean()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
