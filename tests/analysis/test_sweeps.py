"""Sweeps: a field over a range, optionally crossed with a second field, and the flips."""

from __future__ import annotations

import pytest

from orchestrator_gui import load_experiment
from orchestrator_gui.core.sweeps import run_sweep, spaced
from tests.analysis.conftest import risk_document


def test_spaced_values_include_both_ends_and_are_tidy() -> None:
    assert spaced(0, 1, 11) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert spaced(2, 2, 1) == [2.0]
    with pytest.raises(ValueError, match="at least 1"):
        spaced(0, 1, 0)


async def test_the_decision_flips_at_the_threshold() -> None:
    experiment = load_experiment(risk_document())
    sweep = await run_sweep(experiment, {"email": None}, "riskScore", spaced(0, 1, 11))
    assert [r.outcome for r in sweep.rows] == ["below"] * 7 + ["above"] * 4
    [flip] = sweep.flips()
    assert (flip.low, flip.high, flip.before, flip.after) == (0.6, 0.7, "below", "above")
    assert sweep.series()[""][7] == (0.7, "above")


async def test_a_grid_of_score_and_gdpr_email_flips_compliance_only_with_the_eu_email() -> None:
    experiment = load_experiment(risk_document())
    done: list[int] = []
    sweep = await run_sweep(experiment, {}, "riskScore", spaced(0, 1, 3),
                            grid_field="email", grid_values=[None, "person@eu.com"],
                            watch="compliance.passed", on_row=lambda d, t, r: done.append(d))
    assert len(sweep.rows) == 6 and sorted(done) == [1, 2, 3, 4, 5, 6]
    by_email = {(r.grid_value, r.value): r.outcome for r in sweep.rows}
    assert by_email[(None, 0.5)] is True and by_email[("person@eu.com", 0.5)] is False
    assert sweep.flips() == []  # compliance does not depend on the score
    series = sweep.series()
    assert set(series) == {"null", '"person@eu.com"'}
    data = sweep.to_dict()
    assert data["gridField"] == "email" and len(data["rows"]) == 6


async def test_an_outcome_the_output_lacks_falls_back_to_the_run_status() -> None:
    doc = {"id": "g", "name": "Gate", "steps": [
        {"id": "in", "type": "input", "name": "In"},
        {"id": "gate", "type": "transform", "name": "Gate",
         "config": {"filters": {"score": {"max": 5}}}}]}
    sweep = await run_sweep(load_experiment(doc), {}, "score", spaced(0, 10, 3))
    assert [r.outcome for r in sweep.rows] == [r.status for r in sweep.rows]
    assert len({r.status for r in sweep.rows}) == 2
    assert len(sweep.flips()) == 1


async def test_bad_sweeps_are_refused_before_running() -> None:
    experiment = load_experiment(risk_document())
    with pytest.raises(ValueError, match="give the values"):
        await run_sweep(experiment, {}, "riskScore", [0.1], grid_field="email")
    with pytest.raises(ValueError, match="empty segment"):
        await run_sweep(experiment, {}, "a..b", [0.1])
