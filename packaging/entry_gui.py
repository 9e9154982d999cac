"""Frozen entry point of the desktop program: the `orchestrator-gui` executable runs this file.

PyInstaller needs a script, not an entry-point string; this one calls the
``orchestrator-gui = orchestrator_gui.ui.app:main`` entry point, unchanged.

``ORCHESTRATOR_SMOKE_TEST=1`` turns a start into a self-check, so that a built
program can be proven to start without a person looking at it (the packaging
test does this offscreen): the real ``main()`` runs with its qasync loop, and
once the main window is up a timer prints one ``smoke-test ok`` line saying
what it shows, then closes it, which ends the program with exit status 0.
When the value ends in ``.png`` the window is also saved there as a picture.
It uses the app's promise to reuse a QApplication that already exists (docs/format.md),
so the app itself needs no test-only code.
"""

from __future__ import annotations

import os
import sys

from orchestrator_gui.ui.app import main

# The object names docs/format.md promises to UI automation; the self-check reports any missing.
CONTRACT = ("canvas", "palette", "properties", "simulator", "runButton", "history", "inspector", "logPanel")


def install_smoke_test(target: str) -> object:
    """Create the QApplication that main() will reuse, arm the self-check on it, return it.

    The caller keeps the returned application referenced: PySide6 would destroy
    an application object that Python no longer holds.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from orchestrator_gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def report() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            print("smoke-test FAILED: no main window is showing", flush=True)
            QApplication.exit(1)
            return
        window = windows[0]
        missing = [name for name in CONTRACT if window.findChild(QWidget, name) is None]
        print(
            f"smoke-test ok: title={window.windowTitle()!r} nodes={len(window.canvas.nodes())} "
            f"platform={QApplication.platformName()} missing={','.join(missing) or 'none'}",
            flush=True,
        )
        if target.endswith(".png"):
            window.grab().save(target)
        QTimer.singleShot(0, window.close)  # closing the last window ends main()'s loop

    # 300 ms: let the first paint and the initial layout happen before looking.
    QTimer.singleShot(300, report)
    return app


if __name__ == "__main__":
    smoke = os.environ.get("ORCHESTRATOR_SMOKE_TEST", "")
    if smoke:
        _app = install_smoke_test(smoke)
    raise SystemExit(main())
