"""The first-ten-minutes walk, in the real app under Xvfb with real X input.

``scripts/walk.py`` starts the app on its own X display and drives it with
xdotool (pointer, clicks, drags, key presses through the X server), so what it
finds is what a person would hit: shortcuts that clash, wires a paste keeps,
panels pushed off a small screen, a Run again that ignores the Dry run box.
It runs at the two screen sizes the layout goals name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WALK = ROOT / "scripts" / "walk.py"


def _missing() -> list[str]:
    return [tool for tool in ("xvfb-run", "xdotool") if shutil.which(tool) is None]


@pytest.mark.parametrize("screen", ["1280x800", "1600x1000"])
def test_first_ten_minutes_walk(screen: str, tmp_path: Path) -> None:
    missing = _missing()
    assert not missing, f"{', '.join(missing)} missing: `./dev setup` installs them"
    report_path = tmp_path / "walk.json"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24 -nolisten tcp", sys.executable, str(WALK),
         "--report", str(report_path), "--shots", str(tmp_path / "shots")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert report_path.exists(), f"the walk did not finish:\n{done.stdout}\n{done.stderr}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["screen"] == screen
    failed = [f"{c['name']}: {c['detail']}" for c in report["checks"] if not c["ok"]]
    assert not failed, "\n".join(failed)
    assert len(report["checks"]) >= 10, report["checks"]
    assert "Ambiguous shortcut" not in done.stderr + done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
