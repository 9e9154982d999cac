"""The app's look: Fusion with a dark palette plus ``resources/style.qss``.

Fusion draws the same on every platform, so the palette and style sheet give
one consistent dark theme that matches the canvas.

Text is drawn without optional shaping (``QFont.PreferNoShaping``): Latin text
loses kerning and ligatures it hardly shows at these sizes, scripts that need
shaping still get it, and every repaint of text costs less, which is most of a
table's or the log's repaint while runs go (docs/architecture.md, UI rule 7).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from orchestrator_gui import resources

COLORS = {
    QPalette.ColorRole.Window: "#1f232b",
    QPalette.ColorRole.WindowText: "#e6e9ef",
    QPalette.ColorRole.Base: "#15181e",
    QPalette.ColorRole.AlternateBase: "#232833",
    QPalette.ColorRole.Text: "#e6e9ef",
    QPalette.ColorRole.Button: "#2b303b",
    QPalette.ColorRole.ButtonText: "#e6e9ef",
    QPalette.ColorRole.Highlight: "#3b5bdb",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2b303b",
    QPalette.ColorRole.ToolTipText: "#e6e9ef",
    QPalette.ColorRole.PlaceholderText: "#6b7386",
    QPalette.ColorRole.Link: "#7aa2f7",
}


THEMED = "orchestratorThemed"  # an application property: the theme is on


def apply_theme(app: QApplication) -> None:
    """Put the theme on ``app``, once: applying it again would re-style every widget alive
    (in a test session, every window earlier tests left) for no change."""
    if app.property(THEMED):
        return
    app.setProperty(THEMED, True)
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in COLORS.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#5d6475"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor("#5d6475"))
    app.setPalette(palette)
    app.setStyleSheet(resources.path("style.qss").read_text(encoding="utf-8"))
    font = app.font()
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    app.setFont(font)
