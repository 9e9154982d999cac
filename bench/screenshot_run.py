"""Grab docs/screenshots/run.png: the real window after a finished run (run under Xvfb).

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/screenshot_run.py

Opens the shipped Risk Assessment example in a throwaway database, runs the
High Risk preset, selects the AI Decision step so the inspector shows it, and
saves the window as a PNG.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "run.png"


async def scene(window: object, experience: object) -> None:
    from orchestrator_gui.ui.run_wiring import RunExperience

    assert isinstance(experience, RunExperience)
    experience.simulator.choose_preset("High Risk")
    result = experience.run()
    assert result is not None
    while not result.finished:  # noqa: ASYNC110 (polling a live result)
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.6)
    canvas = experience.canvas
    node = next(n for n in canvas.nodes() if n.step_id() == "ai-1")
    canvas.select([node])
    experience.inspector.tabs.setCurrentWidget(experience.inspector.output_view)
    await asyncio.sleep(0.4)


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="orchestrator-shot-")
    os.environ["ORCHESTRATOR_DB"] = str(Path(tmp) / "shot.db")
    os.environ.setdefault("ORCHESTRATOR_USER", "demo")
    os.environ.setdefault("ORCHESTRATOR_CONFIG_DIR", str(Path(tmp) / "config"))

    from orchestrator_gui.ui.app import application, build_window
    from orchestrator_gui.ui.event_loop import WindowEventLoop

    app = application([])
    window = build_window(None)
    experience = window.run_experience
    assert experience is not None
    window.resize(1600, 1000)
    window.show()
    loop = WindowEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(scene(window, experience))
        OUT.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT))
    print(f"saved {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
