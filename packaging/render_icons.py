"""Render the app's SVG icon to the PNG sizes of the hicolor icon theme.

Some desktops and menus draw only PNG icons; the .deb ships both. Qt's own SVG
module does the drawing, so the build needs no image tool beyond the .venv.
Usage: render_icons.py SVG HICOLOR_DIR NAME SIZE...
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def render(svg: Path, hicolor: Path, name: str, sizes: list[int]) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG file")
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        out = hicolor / f"{size}x{size}" / "apps" / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out)):
            raise SystemExit(f"render_icons: could not write {out}")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    render(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], [int(s) for s in sys.argv[4:]])
