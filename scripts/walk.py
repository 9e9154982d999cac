"""A new user's first ten minutes in the real app, through real X input.

Starts the desktop app as ``orchestrator-gui`` does (the shipped example, a
library in a scratch folder) on the X display in ``$DISPLAY`` and drives it
with ``xdotool``: real pointer moves, clicks, drags and key presses, which
reach the app through the X server and Qt's xcb input path exactly as a
person's do (focus, shortcuts, drags that land elsewhere, widgets pushed off
the screen). Where to click is read from the window (a widget's place on the
screen, a step's place on the canvas); what happened is read as a user would
see it: the window, the canvas, and the runs in the SQLite library file.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/walk.py \
        --report walk.json --shots docs/screenshots/walk-1280

Each check of the walk is one line of the report (``name``, ``ok``,
``detail``); the exit status is 0 when all passed. The test suite runs it at
1280x800 and 1600x1000 (tests/walk/test_walk.py); the screenshots it saves are
the ones in the user guide.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STEP_WAIT = 0.15  # seconds the app gets to take in one input before the next


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    screen: str
    checks: list[Check] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return bool(ok)


class XInput:
    """Real input through the X server (xdotool), aimed at widgets of the window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.xid = str(int(window.winId()))

    def _run(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20,
                              check=True)
        return done.stdout.strip()

    def focus(self) -> None:
        self._run("windowfocus", "--sync", self.xid)

    def point_of(self, widget: Any, x: float | None = None, y: float | None = None) -> tuple[int, int]:
        from PySide6.QtCore import QPoint

        local = QPoint(int(widget.width() / 2 if x is None else x),
                       int(widget.height() / 2 if y is None else y))
        place = widget.mapToGlobal(local)
        return place.x(), place.y()

    def move(self, x: int, y: int) -> None:
        self._run("mousemove", "--sync", str(x), str(y))

    def click_at(self, x: int, y: int, button: int = 1) -> None:
        self.move(x, y)
        self._run("click", str(button))

    def click(self, widget: Any, x: float | None = None, y: float | None = None) -> None:
        self.click_at(*self.point_of(widget, x, y))

    def key(self, *keys: str) -> None:
        self._run("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        self._run("type", "--delay", "20", text)

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 12) -> None:
        self.move(*start)
        self._run("mousedown", "1")
        for i in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * i // steps
            y = start[1] + (end[1] - start[1]) * i // steps
            self.move(x, y)
            time.sleep(0.03)
        self._run("mouseup", "1")


class Walk:
    def __init__(self, window: Any, report: Report, db: Path, shots: Path | None) -> None:
        self.window = window
        self.report = report
        self.db = db
        self.shots = shots
        self.x = XInput(window)

    # --- reading what a user sees -------------------------------------------------------

    def find(self, kind: Any, name: str) -> Any:
        widget = self.window.findChild(kind, name)
        if widget is None:
            raise LookupError(f"no {kind.__name__} named {name!r} in the window")
        return widget

    def step_ids(self) -> list[str]:
        return [node.step_id() for node in self.window.canvas.nodes()]

    def node_point(self, step_id: str) -> tuple[int, int]:
        """Where the step's title is on the screen."""
        node = next(n for n in self.window.canvas.nodes() if n.step_id() == step_id)
        viewer = self.window.canvas.graph.viewer()
        rect = node.view.sceneBoundingRect()
        local = viewer.mapFromScene(rect.center().x(), rect.top() + rect.height() * 0.35)
        place = viewer.viewport().mapToGlobal(local)
        return place.x(), place.y()

    def fields_in_sight(self) -> int:
        """How many of the selected step's fields Properties shows whole, unscrolled."""
        from orchestrator_gui.ui.panels.fields import FieldEditor

        panel = self.window.properties
        view = panel.viewport()
        shown = 0
        for editor in panel.findChildren(FieldEditor):
            if not editor.isVisible():
                continue
            top_left = editor.mapTo(view, editor.rect().topLeft())
            bottom = top_left.y() + editor.height()
            if top_left.y() >= 0 and bottom <= view.height():
                shown += 1
        return shown

    def positions(self) -> dict[str, tuple[float, float]]:
        return {n.step_id(): tuple(n.pos()) for n in self.window.canvas.nodes()}

    async def click_step(self, step_id: str) -> None:
        """Click a step as a person does; a click that moved a step is a failed check."""
        before = self.positions()
        self.x.click_at(*self.node_point(step_id))
        await self.settle()
        moved = {k: (before[k], v) for k, v in self.positions().items()
                 if k in before and v != before[k]}
        if moved:
            self.report.add(f"clicking {step_id} leaves the steps where they are", False, str(moved))

    def runs(self) -> list[dict[str, Any]]:
        if not self.db.exists():
            return []
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as con:
            rows = con.execute("SELECT run_id, status, dry_run FROM runs ORDER BY started_at")
            return [{"id": r[0], "status": r[1], "dryRun": bool(r[2])} for r in rows]

    def ended_after(self, count: int) -> bool:
        """A run beyond the first ``count`` has been recorded and has ended."""
        runs = self.runs()
        return len(runs) > count and runs[-1]["status"] not in ("queued", "running")

    async def until(self, condition: Callable[[], Any], seconds: float = 10.0) -> Any:
        """Let the app work until ``condition()`` holds; its last value either way."""
        end = time.monotonic() + seconds
        while True:
            value = condition()
            if value or time.monotonic() > end:
                return value
            await asyncio.sleep(0.05)

    async def settle(self, seconds: float = STEP_WAIT) -> None:
        await asyncio.sleep(seconds)

    async def shot(self, name: str) -> None:
        if self.shots is None:
            return
        await self.settle(0.3)
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        screen = self.window.screen()
        screen.grabWindow(0).save(str(path))  # the whole X screen, as a person sees it
        self.report.shots.append(str(path))

    # --- the walk ---------------------------------------------------------------------

    async def run(self) -> None:
        await self.settle(1.0)
        await self.first_start()
        self.x.focus()
        await self.settle()
        await self.run_with_f5()
        await self.inspect_a_step()
        await self.undo_redo_with_keys()
        await self.copy_paste_keeps_one_chain()
        await self.run_again_follows_dry_run_box()

    async def first_start(self) -> None:
        from PySide6.QtWidgets import QDockWidget

        window = self.window
        available = window.screen().availableGeometry()
        frame = window.frameGeometry()
        self.report.add("window fits the screen", available.contains(frame),
                        f"window {frame.width()}x{frame.height()}+{frame.x()}+{frame.y()}, "
                        f"screen {available.width()}x{available.height()}")
        off = []
        for dock in window.findChildren(QDockWidget):
            if dock.isVisible() and not dock.visibleRegion().isEmpty():
                top_left = dock.mapToGlobal(dock.rect().topLeft())
                bottom_right = dock.mapToGlobal(dock.rect().bottomRight())
                if not (available.contains(top_left) and available.contains(bottom_right)):
                    off.append(dock.windowTitle())
        status = window.statusBar()
        if not available.contains(status.mapToGlobal(status.rect().bottomRight())):
            off.append("status bar")
        self.report.add("every panel is on the screen", not off, ", ".join(off))
        canvas = window.canvas.view
        share = canvas.width() * canvas.height() / (frame.width() * frame.height())
        self.report.add("the canvas gets at least 55% of the window at first start",
                        share >= 0.55, f"{share:.0%} ({canvas.width()}x{canvas.height()})")
        palette = window.docks["paletteDock"]
        self.report.add("the step palette is visible at first start",
                        palette.isVisible() and not palette.visibleRegion().isEmpty())
        await self.shot("first-start")

    async def run_with_f5(self) -> None:
        before = len(self.runs())
        await self.click_step(self.step_ids()[0])
        self.x.key("F5")
        runs = await self.until(lambda: self.ended_after(before), 20)
        last = self.runs()[-1] if runs else None
        self.report.add("F5 on the canvas runs the experiment",
                        last is not None and last["status"] == "success", str(last))
        await self.shot("finished-run")

    async def inspect_a_step(self) -> None:
        from PySide6.QtWidgets import QLabel

        ids = self.step_ids()
        target = ids[min(2, len(ids) - 1)]
        await self.click_step(target)
        title = self.find(QLabel, "inspectorTitle")
        shown = await self.until(lambda: target in title.text(), 5)
        summary = self.find(QLabel, "inspectorSummary").text()
        self.report.add("clicking a step shows what it received and produced",
                        bool(shown) and "has not run" not in summary,
                        f"inspector: {title.text()!r} / {summary!r}")
        if self.window.screen().geometry().height() >= 1000:
            seen = self.fields_in_sight()
            self.report.add("Properties shows at least eight fields without scrolling",
                            seen >= 8, f"{seen} fields in sight")
        await self.shot("step-properties")

    async def undo_redo_with_keys(self) -> None:
        ids = self.step_ids()
        victim = ids[-1]
        await self.click_step(victim)
        self.x.key("Delete")
        gone = await self.until(lambda: victim not in self.step_ids(), 3)
        self.report.add("Delete removes the selected step", bool(gone))
        self.x.key("ctrl+z")
        back = await self.until(lambda: victim in self.step_ids(), 3)
        self.report.add("Ctrl+Z undoes it", bool(back), f"steps: {self.step_ids()}")
        if back:
            from PySide6.QtWidgets import QLabel

            await self.click_step(victim)
            summary = self.find(QLabel, "inspectorSummary")
            await self.until(lambda: "success" in summary.text(), 3)
            self.report.add("the step brought back by Ctrl+Z still shows its run",
                            "has not run" not in summary.text() and "success" in summary.text(),
                            summary.text())
        self.x.key("ctrl+shift+z")
        again = back and await self.until(lambda: victim not in self.step_ids(), 3)
        self.report.add("Ctrl+Shift+Z redoes it", bool(again), f"steps: {self.step_ids()}")
        if victim not in self.step_ids():
            self.window.canvas.undo_stack.undo()
            await self.settle()

    async def copy_paste_keeps_one_chain(self) -> None:
        ids = self.step_ids()
        source = ids[1]
        await self.click_step(source)
        self.x.key("ctrl+c")
        await self.settle()
        self.x.key("ctrl+v")
        pasted = await self.until(lambda: len(self.step_ids()) == len(ids) + 1, 3)
        report = self.window.canvas.check()
        self.report.add("Ctrl+C, Ctrl+V copies a step and keeps one chain",
                        bool(pasted) and report.ok,
                        "; ".join(p.message for p in report.problems))
        self.x.key("ctrl+d")
        duplicated = await self.until(lambda: len(self.step_ids()) == len(ids) + 2, 3)
        report = self.window.canvas.check()
        self.report.add("Ctrl+D duplicates a step and keeps one chain",
                        bool(duplicated) and report.ok,
                        "; ".join(p.message for p in report.problems))
        while len(self.step_ids()) > len(ids) and self.window.canvas.undo_stack.canUndo():
            self.window.canvas.undo_stack.undo()
        await self.settle()

    async def run_again_follows_dry_run_box(self) -> None:
        from PySide6.QtWidgets import QAbstractButton, QTableView

        history = self.find(QTableView, "history")
        dry_box = self.find(QAbstractButton, "dryRunToggle")
        again = self.find(QAbstractButton, "runAgainButton")
        for wanted in (True, False):
            if dry_box.isChecked() != wanted:
                self.x.click(dry_box, 10)
                await self.until(lambda w=wanted: dry_box.isChecked() == w, 3)
            before = len(self.runs())
            self.x.click(history.viewport(), 40, 12)  # the newest run, first row
            await self.until(again.isEnabled, 3)
            self.x.click(again)
            await self.until(lambda n=before: self.ended_after(n), 20)
            runs = self.runs()
            last = runs[-1] if len(runs) > before else None
            self.report.add(f"Run again with the Dry run box {'ticked' if wanted else 'clear'} "
                            f"makes a {'dry' if wanted else 'real'} run",
                            last is not None and last["dryRun"] == wanted, str(last))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="write the checks here as JSON")
    parser.add_argument("--shots", type=Path, help="save screenshots into this folder")
    parser.add_argument("--keep", action="store_true", help="keep the scratch library")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        parser.error("needs an X display: run it under xvfb-run")
    if shutil.which("xdotool") is None:
        parser.error("needs xdotool (./dev setup installs it)")

    scratch = Path(tempfile.mkdtemp(prefix="orchestrator-walk-"))
    db = scratch / "orchestrator.db"
    os.environ["ORCHESTRATOR_DB"] = str(db)
    os.environ["ORCHESTRATOR_CONFIG_DIR"] = str(scratch / "config")
    os.environ["QT_QPA_PLATFORM"] = "xcb"

    from orchestrator_gui.ui import app as gui_app
    from orchestrator_gui.ui.event_loop import WindowEventLoop

    qt_app = gui_app.application([])
    window = gui_app.build_window(None)
    window.show()
    screen = window.screen().geometry()
    report = Report(screen=f"{screen.width()}x{screen.height()}")
    loop = WindowEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    walk = Walk(window, report, db, args.shots)

    async def go() -> None:
        try:
            await walk.run()
        except Exception:  # a walk that broke is a failed check, with where it broke
            report.add("the walk went to the end", False, traceback.format_exc(limit=4))
        finally:
            window.canvas.undo_stack.setClean()  # nothing to ask about on close
            window.close()
            loop.stop()

    with loop:
        loop.create_task(go())
        loop.run_forever()
    if args.report:
        args.report.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    failed = [c.name for c in report.checks if not c.ok]
    print(f"{len(report.checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
