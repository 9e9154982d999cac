"""A message strip above the canvas: errors and confirmations without modal dialogs.

Import problems, chain faults and save confirmations appear here, in the
window, so nothing blocks the user (or a test) and the message stays readable
while they fix what it names.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class MessageBar(QFrame):
    """One message at a time, coloured by level: ``info``, ``success``, ``warning``, ``error``.

    A message may carry one action (``action=("Open settings", callback)``): the
    next step the message suggests, one click away.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Messages")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        self.label = QLabel(self)
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("messageAction")
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], object] | None = None
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        close = QToolButton(self)
        close.setText("✕")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.level = ""
        self.source: str | None = None  # who keeps this message up to date (e.g. "problems")
        self.hide()

    def show_message(self, text: str, level: str = "info",
                     action: tuple[str, Callable[[], object]] | None = None,
                     source: str | None = None) -> None:
        """Show ``text``; ``source`` names who updates or clears it as things change."""
        self.source = source
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setAccessibleName(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.level = level
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.label.setAccessibleName(f"{level}: {text}")
        self.show()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""

    def _run_action(self) -> None:
        if self._action is not None:
            self._action()

    def clear(self) -> None:
        self.source = None
        self._action = None
        self.action_button.hide()
        self.level = ""
        self.label.clear()
        self.hide()
