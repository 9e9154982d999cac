"""The core never imports Qt: checked by behaviour here, and statically by import-linter in ./dev test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def test_headless_modules_load_no_qt() -> None:
    code = (
        "import sys, asyncio\n"
        "import orchestrator_gui, orchestrator_gui.cli, orchestrator_gui.store\n"
        "from orchestrator_gui import run_experiment, default_registry\n"
        "default_registry()\n"
        "r = asyncio.run(run_experiment({'id': 'e', 'name': 'E', 'steps': [\n"
        "    {'id': 'a', 'type': 'ai_decision', 'name': 'A'}]}, {'riskScore': 0.9}))\n"
        "assert r.status == 'success', r.status\n"
        "qt = ('PySide6', 'NodeGraphQt', 'qasync', 'Qt', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in qt or m.startswith('orchestrator_gui.ui'))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_first_window_is_painted_without_the_database_layer_the_network_stack_or_qt_py(
) -> None:
    # Start-up (docs/benchmarks.md): SQLAlchemy (~0.5 s) and httpx (~0.1 s) are not needed
    # to show the window (stored data is read right after its first paint, requests are
    # made by running steps), and Qt.py (~0.2 s) is replaced by orchestrator_gui.ui.qt_shim.
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from orchestrator_gui.ui import app as gui_app\n"
        "app = gui_app.application([]); w = gui_app.build_window(None)\n"
        "w.show(); app.processEvents()\n"
        "assert w.canvas.nodes() and not w.started\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'Qt', 'httpx', 'httpcore')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


# --- the repository stands alone: its docs are the reference ------------------------

ROOT = Path(__file__).resolve().parent.parent
_OUTSIDE = re.compile(r"\b(?:" + "SP" + "EC|" + "DES" + r"IGN\.md)\b")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _sources() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("orchestrator_gui", "tests", "bench", "packaging"):
        files += sorted(p for p in (ROOT / folder).rglob("*")
                        if p.suffix in (".py", ".md", ".json", ".toml", ".spec") and p.is_file())
    return files


def test_nothing_cites_the_product_spec_or_the_design_notes() -> None:
    # They are not in the repository: docs/format.md and docs/architecture.md are.
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p in _sources()
             for n, line in enumerate(p.read_text("utf-8", "replace").splitlines(), 1)
             if _OUTSIDE.search(line)]
    assert found == []


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as '-'."""
    text = heading.strip().lower().replace("`", "")
    return "".join(c for c in text if c.isalnum() or c in " -_").replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, flags=re.M)}


def test_every_link_between_the_docs_leads_somewhere() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in _LINK.findall(text):
            if "://" in target or target.startswith("mailto:"):
                continue
            file, _, anchor = target.partition("#")
            resolved = (page.parent / file).resolve() if file else page
            if not resolved.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []
