"""The installable program: build it with packaging/build.sh, then use it as a user would.

One build per test session (about a minute and a half on two cores, see
docs/packaging.md); every test then runs the built executables in their own
processes, offscreen, against the examples shipped inside the bundle. Nothing
here imports Qt: what is tested is the frozen program, not the source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "packaging" / "dist"
NAME = "orchestrator-gui"
EXAMPLE = "risk-assessment.json"
BUILD_TIMEOUT = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(BUILD_TIMEOUT + 300),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the packaging recipe targets Linux"),
]


@dataclass(frozen=True)
class Build:
    """What packaging/build.sh produced in this session."""

    folder: Path
    tarball: Path
    deb: Path | None
    seconds: float


@pytest.fixture(scope="session")
def build() -> Build:
    with_deb = shutil.which("dpkg-deb") is not None
    started = time.monotonic()
    done = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build.sh"), *([] if with_deb else ["--no-deb"])],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False,
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, f"packaging/build.sh failed:\n{done.stdout}\n{done.stderr}"
    print(f"\npackaging/build.sh took {seconds:.0f} s")
    tarballs = sorted(DIST.glob(f"{NAME}-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    debs = sorted(DIST.glob(f"{NAME}_*.deb"), key=lambda p: p.stat().st_mtime)
    assert tarballs, "build.sh made no .tar.gz"
    assert debs or not with_deb, "build.sh made no .deb"
    return Build(DIST / NAME, tarballs[-1], debs[-1] if with_deb else None, seconds)


def run(argv: list[str | Path], **env: str) -> subprocess.CompletedProcess[str]:
    """Run a built executable the way a user's shell would, with this test's profile paths."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    # The developer's venv must not leak into the frozen program.
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        environment.pop(var, None)
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=120,
                          env=environment, check=False)


def shipped(folder: Path, *parts: str) -> Path:
    return folder / "_internal" / "orchestrator_gui" / "resources" / Path(*parts)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_folder_holds_both_programs_resources_and_no_unused_qt(build: Build) -> None:
    folder = build.folder
    assert os.access(folder / NAME, os.X_OK) and os.access(folder / "orchestrator", os.X_OK)
    for part in (("examples", EXAMPLE), ("presets.json",), ("schema", "experiment.schema.json"),
                 ("icons", "app.svg")):
        assert shipped(folder, *part).is_file(), f"{'/'.join(part)} is not in the bundle"
    entry_points = list((folder / "_internal").glob("orchestrator_gui-*.dist-info/entry_points.txt"))
    assert entry_points and "[orchestrator_gui.steps]" in entry_points[0].read_text()
    names = {p.name for p in folder.rglob("*")}
    left_out = ("libQt6WebEngine", "libQt6Quick", "libQt6Qml", "libQt6Multimedia", "libQt63D",
                "QtWebEngine", "QtQml", "QtQuick", "libqgtk3")
    unused = {n for n in names if n.startswith(left_out)}
    assert not unused, f"unused Qt parts were bundled: {sorted(unused)}"
    assert not list(folder.rglob("*.qm")), "Qt translations were bundled, the program is English only"
    dangling = [p for p in folder.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, f"links to files left out: {dangling}"


def test_gui_opens_the_shipped_example_and_quits(build: Build, tmp_path: Path) -> None:
    steps = len(json.loads(shipped(build.folder, "examples", EXAMPLE).read_text())["steps"])
    picture = tmp_path / "window.png"
    done = run([build.folder / NAME], ORCHESTRATOR_SMOKE_TEST=str(picture))
    assert done.returncode == 0, done.stderr
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("smoke-test")), "")
    assert line.startswith("smoke-test ok:"), f"no window report:\n{done.stdout}\n{done.stderr}"
    assert "Risk Assessment" in line and f"nodes={steps} " in line and "platform=offscreen" in line, line
    width, height = png_size(picture)
    # sized from the screen: the offscreen platform's is 800x800, the window fits inside it
    assert 700 <= width <= 800 and 500 <= height <= 800, f"the window drawn is {width}x{height}"
    assert "Traceback" not in done.stderr, done.stderr


def test_bundled_cli_runs_a_shipped_example_headless(build: Build) -> None:
    example = shipped(build.folder, "examples", EXAMPLE)
    done = run([build.folder / "orchestrator", "run", example,
                "--preset", "High Risk", "--json", "--no-save", "-q"])
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["status"] == "success"
    assert record["scenario"] == "High Risk"
    assert [s["status"] for s in record["steps"]] == ["success"] * len(record["steps"]) != []
    # High Risk sends riskScore 0.9 against the example's 0.7 threshold; the e-mail is masked.
    assert record["output"]["decision"]["outcome"] == "above"
    assert record["output"]["email"] != record["input"]["email"]
    assert "PySide6" not in done.stderr


def test_archive_unpacks_to_a_working_program(build: Build, tmp_path: Path) -> None:
    with tarfile.open(build.tarball) as archive:
        archive.extractall(tmp_path, filter="tar")
    unpacked = tmp_path / NAME
    done = run([unpacked / "orchestrator", "validate", shipped(unpacked, "examples", EXAMPLE)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_deb_installs_launchers_desktop_entry_icon_and_depends_on_qts_libraries(
    build: Build, tmp_path: Path
) -> None:
    if build.deb is None:
        pytest.skip("dpkg-deb is not installed here")
    fields = subprocess.run(["dpkg-deb", "-f", str(build.deb)], capture_output=True, text=True,
                            check=True).stdout
    depends = next(ln for ln in fields.splitlines() if ln.startswith("Depends:"))
    for package in ("libegl1", "libgl1", "libfontconfig1", "libxkbcommon-x11-0", "libxcb-cursor0",
                    "libxcb-icccm4", "libxcb-keysyms1", "libdbus-1-3", "libc6"):
        assert package in depends, f"{package} missing from {depends}"

    subprocess.run(["dpkg-deb", "-x", str(build.deb), str(tmp_path)], check=True)
    for launcher in ("orchestrator-gui", "orchestrator"):
        link = tmp_path / "usr" / "bin" / launcher
        assert link.is_symlink() and os.readlink(link) == f"/opt/{NAME}/{launcher}"
        assert os.access(tmp_path / "opt" / NAME / launcher, os.X_OK)
    desktop = (tmp_path / "usr" / "share" / "applications" / f"{NAME}.desktop").read_text()
    assert "Exec=orchestrator-gui" in desktop and f"Icon={NAME}" in desktop
    hicolor = tmp_path / "usr" / "share" / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{NAME}.svg").is_file()
    assert png_size(hicolor / "256x256" / "apps" / f"{NAME}.png") == (256, 256)

    installed = tmp_path / "opt" / NAME
    done = run([installed / "orchestrator", "run", shipped(installed, "examples", EXAMPLE),
                "--preset", "Happy Path", "--json", "--no-save", "-q"])
    assert done.returncode == 0 and json.loads(done.stdout)["status"] == "success", done.stderr
