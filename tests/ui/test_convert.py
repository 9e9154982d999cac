"""Document <-> graph: a round trip keeps everything, over every shipped example."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.ui.canvas.editor import Canvas
from tests.ui.conftest import EXAMPLES

EXTRAS = {
    "id": "extras",
    "name": "Keeps what it does not know",
    "x-owner": {"team": "risk", "tags": ["a", "b"]},
    "steps": [
        {"id": "in", "type": "input", "name": "Same name", "config": {}, "note": "step extra"},
        {"id": "t", "type": "transform", "name": "Same name",
         "config": {"mapping": {"a": "b"}}, "timeoutSeconds": 2.5},
        {"id": "ai", "type": "ai_decision", "name": "Decide", "config": {"threshold": 0.25}},
    ],
    "settings": {"maxDurationSeconds": 20},
    "ui": {"positions": {"in": [10, 20], "t": [333.5, -40], "ai": [700, 80]}, "zoom": 0.8},
}


def _expected(document: dict[str, Any]) -> dict[str, Any]:
    """What export must give back: the same document, ``config`` written out."""
    out = copy.deepcopy(document)
    for step in out["steps"]:
        step.setdefault("config", {})
    return out


def _round_trip(qtbot: QtBot, document: dict[str, Any]) -> tuple[Canvas, dict[str, Any]]:
    canvas = Canvas()
    qtbot.addWidget(canvas.widget)
    canvas.load(load_experiment(document))
    return canvas, canvas.to_document()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).stem)
def test_every_shipped_example_survives_a_round_trip(qtbot: QtBot, path: Path) -> None:
    original = load_experiment(path).to_dict()
    canvas, exported = _round_trip(qtbot, original)
    assert len(canvas.nodes()) == len(original["steps"])
    positions = exported["ui"].pop("positions")
    assert set(positions) == {s["id"] for s in original["steps"]}
    expected = _expected(original)
    expected_ui = expected.pop("ui", {})
    expected_ui.pop("positions", None)
    assert exported.pop("ui") == expected_ui
    assert exported == expected
    assert load_experiment(canvas.to_document()).to_dict()["steps"] == exported["steps"]


def test_there_are_shipped_examples_to_test() -> None:
    assert any("risk" in p.name for p in EXAMPLES)


def test_unknown_keys_names_timeouts_and_positions_are_kept(qtbot: QtBot) -> None:
    _canvas, exported = _round_trip(qtbot, EXTRAS)
    assert exported == _expected(EXTRAS)


def test_steps_without_positions_are_laid_out_as_a_readable_chain(qtbot: QtBot) -> None:
    document = copy.deepcopy(EXTRAS)
    del document["ui"]
    canvas, exported = _round_trip(qtbot, document)
    xs = [exported["ui"]["positions"][s["id"]][0] for s in document["steps"]]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # every node is wired to the next, in document order
    nodes = {n.step_id(): n for n in canvas.nodes()}
    assert nodes["in"].output(0).connected_ports()[0].node() is nodes["t"]
    assert nodes["t"].output(0).connected_ports()[0].node() is nodes["ai"]


def test_the_chain_order_wins_over_the_drawing_order(qtbot: QtBot) -> None:
    document = copy.deepcopy(EXTRAS)
    document["ui"]["positions"] = {"in": [900, 0], "t": [0, 0], "ai": [450, 0]}
    _canvas, exported = _round_trip(qtbot, document)
    assert [s["id"] for s in exported["steps"]] == ["in", "t", "ai"]
