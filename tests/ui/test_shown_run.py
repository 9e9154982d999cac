"""The run on screen has one owner and one read API, live or stored (ui/shown_run.py)."""

# ruff: noqa: F811  (pytest fixtures imported from run_support are redefined as arguments)

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.result import RunResult, StepResult
from orchestrator_gui.ui import shown_run
from orchestrator_gui.ui.shown_run import LiveRun, ShownRun, StoredRun, view_of
from tests.ui.run_support import (  # noqa: F401 (fixtures)
    app_window,
    experience,
    experiment,
    qloop,
    registry,
    store,
    wait_finished,
)

UI = Path(__file__).resolve().parents[2] / "orchestrator_gui" / "ui"
STATUSES = ["pending", "running", "success", "error", "timeout", "skipped", "cancelled",
            "filtered"]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@st.composite
def runs(draw: Any) -> RunResult:
    start = datetime(2026, 11, 26, 14, 0, tzinfo=UTC) + timedelta(
        milliseconds=draw(st.integers(0, 10**9)))
    run = RunResult(run_id=draw(st.uuids()).hex, experiment_id=draw(st.text(min_size=1,
                                                                            max_size=12)),
                    experiment_name="E", scenario=draw(st.none() | st.text(max_size=10)),
                    dry_run=draw(st.booleans()), status=draw(st.sampled_from(STATUSES)),
                    started_at=draw(st.none() | st.just(start)),
                    input_json=jsonio.dumps(draw(JSON)))
    for index in range(draw(st.integers(0, 5))):
        step = StepResult(f"s{index}", draw(st.sampled_from(["input", "webhook", "x"])),
                          f"Step {index}", status=draw(st.sampled_from(STATUSES)),
                          duration_ms=draw(st.none() | st.floats(0, 1e6)),
                          input_json=jsonio.dumps(draw(JSON)),
                          output_json=draw(st.none() | JSON.map(jsonio.dumps)),
                          error=draw(st.none() | st.just({"type": "StepError",
                                                          "message": "no"})),
                          logs=[{"time": "2026-11-26T14:00:00.000Z", "level": "info",
                                 "message": m} for m in draw(st.lists(st.text(max_size=6),
                                                                      max_size=2))])
        run.steps.append(step)
    return run


@settings(max_examples=150, deadline=None)
@given(runs())
def test_a_live_run_and_its_record_read_the_same(run: RunResult) -> None:
    live, stored = view_of(run), view_of(jsonio.loads_trusted(jsonio.dumps(run.to_record())))
    assert isinstance(live, LiveRun) and isinstance(stored, StoredRun)
    for name in ("run_id", "experiment_id", "status", "dry_run", "started_at", "input"):
        assert getattr(live, name) == getattr(stored, name), name
    assert (live.scenario or None) == stored.scenario  # a record keeps "" as no scenario
    assert live.steps() == stored.steps()
    for step in run.steps:
        assert live.step(step.id) == stored.step(step.id)
    assert live.step("no-such-step") is None and stored.step("no-such-step") is None
    assert live.live is run and stored.live is None


def test_one_owner_follows_a_live_run_then_shows_a_stored_one(qapp: Any) -> None:
    shown = ShownRun()
    heard: list[Any] = []
    shown.changed.connect(lambda: heard.append(shown.view))
    run = RunResult(run_id="r1", experiment_id="e", experiment_name="E", scenario=None,
                    status="running")
    shown.follow(run)
    assert shown.live is run and shown.live_id == "r1" and shown.live_going
    stored = shown.show_stored({**run.to_record(), "status": "success"})
    assert shown.live is None and shown.live_id is None and not shown.live_going
    assert shown.view is stored and stored.run_id == "r1" and stored.status == "success"
    shown.follow(None)
    assert shown.view is None
    assert [type(v).__name__ if v else None for v in heard] == ["LiveRun", "StoredRun", None]


def test_a_live_run_is_wrapped_once_not_per_step_event(app_window: Any, qtbot: Any,
                                                       registry: Any, monkeypatch: Any) -> None:
    # run_overlay draws per step event (docs/benchmarks.md): the shown run's view is made
    # when the run is shown, never for each event of it
    made: list[str] = []
    real = shown_run.LiveRun.__init__

    def counting(self: LiveRun, run: RunResult) -> None:
        made.append(run.run_id)
        real(self, run)

    monkeypatch.setattr(shown_run.LiveRun, "__init__", counting)
    app_window.canvas.load(experiment(registry, [("start", "input", {})] + [
        (f"s{i}", "sleep", {"seconds": 0.01}) for i in range(8)]))
    ex = experience(app_window)
    run = ex.run()
    assert run is not None
    wait_finished(qtbot, app_window)
    assert ex.overlay.status_of("s7") is not None and ex.overlay.status_of("s7").startswith("✓")
    assert made == [run.run_id]


def test_no_panel_probes_the_window() -> None:
    # Panels use the services of ui/host.py's Host; none asks the window what it has.
    probes = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("getattr", "hasattr") and node.args:
                target = ast.unparse(node.args[0])
                if re.fullmatch(r"(self\.)?(window_?|host|w)", target):
                    probes.append(f"{path.relative_to(UI)}:{node.lineno} {ast.unparse(node)}")
    assert probes == []
