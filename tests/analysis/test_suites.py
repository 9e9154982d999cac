"""Scenario suites: expectations, the document key, CSV/JSONL import, running, grid, deltas."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from orchestrator_gui import Engine, Limits, StepRegistry, StepType, load_experiment
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.schema import experiment_json_schema
from orchestrator_gui.core.steps import register_builtin_steps
from orchestrator_gui.core.suite_import import load_scenarios
from orchestrator_gui.core.suite_model import Scenario, Suite, parse_expectation
from orchestrator_gui.core.suites import SuiteRun, compare_suite_runs, run_suite
from tests.analysis.conftest import risk_document

SUITE = {"scenarios": [
    {"name": "low risk is approved", "input": {"riskScore": 0.2, "email": None},
     "expect": ['status == "success"', 'decision.outcome == "below"',
                "compliance.passed == true"]},
    {"name": "EU e-mail is flagged", "input": {"riskScore": 0.9, "email": "person@eu.com"},
     "expect": ['output.decision.outcome == "above"', "compliance.passed == false",
                'steps.ai-1.status in ["success"]', "decision.confidence < 0.5",
                "metrics exists"]},
    {"name": "wrongly expects approval", "input": {"riskScore": 0.8},
     "expect": ['decision.outcome == "below"']},
]}


def test_expectations_parse_into_record_paths() -> None:
    exp = parse_expectation('decision.outcome == "above"')
    assert (exp.record_path, exp.op, exp.value) == (("output", "decision", "outcome"), "==", "above")
    assert parse_expectation("status != \"error\"").record_path == ("status",)
    assert parse_expectation("error.type exists").op == "exists"
    assert parse_expectation("score>=0.5").value == 0.5
    assert parse_expectation('status in ["success", "filtered"]').value == ["success", "filtered"]
    for bad, hint in [("status = 1", "PATH OP VALUE"), ("status == filtered", "double quotes"),
                      ("x in 3", "JSON list"), ("x < true", "compares numbers or text")]:
        with pytest.raises(ValueError, match=hint):
            parse_expectation(bad)


def test_the_suite_is_part_of_the_document_validated_exported_and_in_the_schema() -> None:
    experiment = load_experiment(risk_document(suite=SUITE))
    assert experiment.suite is not None and len(experiment.suite.scenarios) == 3
    assert experiment.to_dict()["suite"] == SUITE  # exported as written
    assert "suite" in experiment_json_schema()["properties"]
    broken = risk_document(suite={"scenarios": [
        {"name": "a", "expect": ["status == ok"]}, {"name": "b", "expcet": []}]})
    with pytest.raises(ExperimentError) as info:
        load_experiment(broken)
    text = "\n".join(info.value.problems)
    assert "suite.scenarios[0].expect[0]:" in text and "double quotes" in text
    assert "suite.scenarios[1].expcet: unknown key (did you mean 'expect'?)" in text


async def test_a_suite_run_gives_verdicts_a_grid_and_a_heatmap() -> None:
    experiment = load_experiment(risk_document(suite=SUITE))
    seen: list[tuple[int, int]] = []
    run = await run_suite(experiment, on_progress=lambda p: seen.append((p.done, p.total)))
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    verdicts = {r.name: r.passed for r in run.results}
    assert verdicts == {"low risk is approved": True, "EU e-mail is flagged": True,
                        "wrongly expects approval": False}
    failing = run.results[2]
    [check] = [c for c in failing.checks if not c.passed]
    assert check.actual == "above" and check.message == "decision.outcome is \"above\""
    assert check.step_id == "ai-1"  # the step that set decision.outcome
    assert run.heatmap() == {"input-1": 0, "transform-1": 0, "ai-1": 1, "compliance-1": 0,
                             "metrics-1": 0}
    row = run.grid()[2]
    assert row["passed"] is False
    assert [c["failed"] for c in row["cells"]] == [False, False, True, False, False]
    assert {c["status"] for c in row["cells"]} == {"success"}
    assert SuiteRun.from_dict(run.to_dict()).to_dict() == run.to_dict()


async def test_a_failing_step_owns_the_failure_and_a_refused_input_fails_alone() -> None:
    doc = risk_document()
    doc["steps"][0]["config"] = {}  # no default score: ai-1 fails without one
    experiment = load_experiment(doc)
    suite = Suite(scenarios=[
        Scenario(name="missing score", input={"other": 1}, expect=['status == "success"']),
        Scenario(name="no expectations but an error", input={"other": 1}),
        Scenario(name="too big", input={"blob": "x" * (11 * 1024 * 1024)}),
        Scenario(name="fine", input={"riskScore": 0.1}, expect=['status == "success"']),
    ])
    run = await run_suite(experiment, suite)
    by_name = {r.name: r for r in run.results}
    assert by_name["missing score"].failed_steps == ["ai-1"]
    assert by_name["missing score"].status == "error"
    assert not by_name["no expectations but an error"].passed
    assert by_name["too big"].status == "refused" and "over the limit" in (
        by_name["too big"].problem or "")
    assert by_name["fine"].passed


async def test_scenarios_run_within_the_concurrency_limit() -> None:
    running = 0
    peak = 0

    async def slow(step: Any, ctx: Any) -> dict[str, Any]:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return dict(ctx.input)

    registry = StepRegistry()
    register_builtin_steps(registry)
    registry.register(StepType(name="slow", handler=slow))
    engine = Engine(Limits(max_concurrent_runs=3), registry=registry)
    experiment = load_experiment({"id": "s", "name": "Slow", "steps": [
        {"id": "wait", "type": "slow", "name": "Wait"}]}, registry=registry)
    suite = Suite(scenarios=[Scenario(name=f"n{i}", input={"i": i}, expect=[f"i == {i}"])
                             for i in range(12)])
    run = await run_suite(experiment, suite, engine=engine)
    assert run.passed == 12
    assert peak == 3


def test_comparison_with_the_previous_suite_run_names_new_failures_and_fixes() -> None:
    def suite_run(verdicts: dict[str, bool]) -> SuiteRun:
        from orchestrator_gui.core.suites import ScenarioResult

        return SuiteRun("e", ["a"], ["A"], [ScenarioResult(n, ok, "success", [], ["success"])
                                            for n, ok in verdicts.items()])

    before = suite_run({"a": True, "b": False, "c": False, "gone": True})
    now = suite_run({"a": False, "b": True, "c": False, "new": False})
    delta = compare_suite_runs(before, now)
    assert delta.new_failures == ["a", "new"]
    assert delta.fixed == ["b"] and delta.still_failing == ["c"]
    assert delta.added == ["new"] and delta.removed == ["gone"]
    assert compare_suite_runs(None, now).new_failures == ["a", "c", "new"]


def test_scenarios_import_from_csv_with_typed_cells_and_paths(tmp_path: Path) -> None:
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(
        "name,riskScore,user.email,flag,expect,expect 2\n"
        'high,0.9,person@eu.com,true,"decision.outcome == ""above""",compliance.passed == false\n'
        'low,0.1,,"""0.1""",status == "success",\n', encoding="utf-8")
    high, low = load_scenarios(csv_file)
    assert high.input == {"riskScore": 0.9, "user": {"email": "person@eu.com"}, "flag": True}
    assert high.expect == ['decision.outcome == "above"', "compliance.passed == false"]
    assert low.input == {"riskScore": 0.1, "flag": "0.1"}  # "0.1" in quotes stays text
    assert low.expect == ['status == "success"']


def test_scenarios_import_from_jsonl_and_every_problem_names_its_line(tmp_path: Path) -> None:
    good = tmp_path / "cases.jsonl"
    good.write_text('{"name": "a", "input": {"x": 1}, "expect": ["x == 1"]}\n\n'
                    '{"name": "b"}\n', encoding="utf-8")
    assert [s.name for s in load_scenarios(good)] == ["a", "b"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "a", "expect": ["x = 1"]}\n[1]\n{"name": "a"}\n{nope\n',
                   encoding="utf-8")
    with pytest.raises(ExperimentError) as info:
        load_scenarios(bad)
    problems = info.value.problems
    assert problems[0].startswith("line 1: expect.0:") and "PATH OP VALUE" in problems[0]
    assert problems[1].startswith("line 2: must be a JSON object")
    assert any(p.startswith("line 4") for p in problems)
    with pytest.raises(ExperimentError, match="'name' column"):
        load_scenarios(tmp_path / "x.csv", text="input,expect\n{},\n")
