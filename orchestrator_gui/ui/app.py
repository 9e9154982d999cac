"""``orchestrator-gui [EXPERIMENT]``: start the desktop app.

Reuses a QApplication that already exists (a test harness may create one and
drive the real app in its process), installs the qasync loop so the engine
can run on Qt's event loop (``WindowEventLoop``: ready callbacks never stand
in line ahead of a window timer that fell due), and opens the experiment given
(a JSON file or a stored id) or, on a plain start, the shipped Risk Assessment
example, so a first-time user sees a working experiment at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from PySide6.QtWidgets import QApplication

from orchestrator_gui import resources
from orchestrator_gui.core import known_secrets
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.ui.main_window import MainWindow
from orchestrator_gui.ui.store_alarm import install_hook
from orchestrator_gui.ui.style import apply_theme


def first_example() -> Path | None:
    """The shipped example to open on a plain start: Risk Assessment when it is there."""
    folder = resources.path("examples")
    found = sorted(folder.glob("*.json")) if folder.is_dir() else []
    risk = [p for p in found if "risk" in p.name.lower()]
    chosen = risk or found
    return chosen[0] if chosen else None


def open_initial(window: MainWindow, target: str | None) -> None:
    """Open ``target`` (file or stored id), else the first-start example, else a new one."""
    documents = window.documents
    if target:
        if Path(target).exists():
            documents.import_file(target)
        else:
            documents.open_library_id(target)
        if window.canvas.nodes():
            return
    problem = (window.message_bar.text(), window.message_bar.level)
    example = first_example()
    if example is not None:
        try:
            experiment = load_experiment(example, registry=window.registry)
        except ExperimentError as exc:  # a broken install: say so, start empty
            window.show_message(f"The shipped example could not be opened: {exc}", "warning")
        else:
            # The store seeds the same examples on first start; saving updates that entry.
            documents.open_experiment(experiment, library_id=experiment.id)
    else:
        documents.new_experiment()
    if problem[0]:  # what went wrong with the target stays visible over the example
        window.show_message(problem[0], problem[1])


def application(argv: Sequence[str] = ()) -> QApplication:
    """The running QApplication, created (and themed) only when there is none yet."""
    app = cast("QApplication | None", QApplication.instance())
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "orchestrator-gui", *argv])
    app.setApplicationName("Experiment Orchestrator")
    app.setOrganizationName("orchestrator-gui")
    app.setDesktopFileName("orchestrator-gui")
    apply_theme(app)
    return app


def build_window(target: str | None = None) -> MainWindow:
    window = MainWindow()
    open_initial(window, target)
    return window


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="orchestrator-gui",
                                     description="Design and run experiments on a canvas.")
    parser.add_argument("experiment", nargs="?",
                        help="a JSON file or the id of an experiment in the library")
    parser.add_argument("--db", metavar="PATH", help="the library database (default: "
                        "$ORCHESTRATOR_DB, else the user data folder)")
    args, _qt_args = parser.parse_known_args(list(argv))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    known_secrets.install_log_scrubber()  # every log record, whoever configures handlers
    if args.db:
        os.environ["ORCHESTRATOR_DB"] = args.db
    app = application(argv)
    window = build_window(args.experiment)
    install_hook(window.store_alarm)  # a store error in any slot: the dialog, no traceback
    window.show()
    from orchestrator_gui.ui.event_loop import WindowEventLoop

    loop = WindowEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:  # closing the last window stops the loop (Stack traps)
        loop.run_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
