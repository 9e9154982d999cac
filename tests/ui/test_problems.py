"""One list of problems behind the banner, the status bar and the red outlines: never stale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from orchestrator_gui.ui.main_window import MainWindow


def test_a_fixed_problem_leaves_the_banner_the_outline_and_the_status_bar(
        qtbot: QtBot, window: MainWindow) -> None:
    hook = window.canvas.add_step("webhook")  # appended to the chain, no URL yet
    window.canvas.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F7)  # Check experiment
    assert "config.url: is required" in window.message_bar.text()
    assert "config.url: is required" in (hook.item.fault or "")
    qtbot.waitUntil(lambda: "config.url" in window.chain_status.text(), timeout=2000)

    window.canvas.select([hook])
    line = window.properties.editor("url").control
    assert isinstance(line, QLineEdit)
    line.setFocus()
    qtbot.keyClicks(line, "http://127.0.0.1:9/hook")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "config.url" not in window.message_bar.text(), timeout=3000)
    assert window.message_bar.text().startswith("✓ No problems left")
    assert not hook.item.fault
    assert window.chain_status.text().startswith("✓")


def test_a_problem_made_after_check_updates_the_banner_it_shows(
        qtbot: QtBot, window: MainWindow) -> None:
    hook = window.canvas.add_step("webhook")
    assert window.current_experiment() is None  # Run or Check: the banner lists it
    assert "steps[5] (webhook-1): config.url" in window.message_bar.text()
    window.canvas.set_step_property(hook, "step_id", "hook-renamed")
    qtbot.waitUntil(lambda: "(hook-renamed): config.url" in window.message_bar.text(),
                    timeout=3000)
    assert "(webhook-1)" not in window.message_bar.text()
