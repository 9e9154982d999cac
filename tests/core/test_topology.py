"""One chain: what the topology check says about branches, merges, loops and loose steps,
and that the engine, document validation and the canvas all take their order from it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_gui.core import topology
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.engine import Engine
from orchestrator_gui.core.errors import ExperimentError
from orchestrator_gui.core.topology import document_edges, plan_graph, plan_steps, run_order


def test_a_chain_gives_its_order_whatever_the_listing_order() -> None:
    report = plan_graph(["c", "a", "b"], [("a", "b"), ("b", "c")])
    assert report.ok
    assert report.order == ["a", "b", "c"]


def test_a_single_step_is_a_chain() -> None:
    assert plan_graph(["a"], []).order == ["a"]


def test_a_branch_names_the_step_and_both_targets() -> None:
    report = plan_graph(["a", "b", "c"], [("a", "b"), ("a", "c")], label=str.upper)
    assert not report.ok
    assert report.fault_ids == {"a", "b", "c"}
    assert "Branch: A feeds 2 steps (B, C)" in report.summary()


def test_a_merge_names_the_step_that_receives_twice() -> None:
    report = plan_graph(["a", "b", "c"], [("a", "c"), ("b", "c")])
    assert "Merge: c receives from 2 steps (a, b)" in report.summary()


def test_a_loop_names_every_step_on_it() -> None:
    report = plan_graph(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])
    loop = [p for p in report.problems if p.message.startswith("Loop")]
    assert loop and set(loop[0].node_ids) == {"b", "c"}
    assert "b -> c -> b" in loop[0].message


def test_a_closed_ring_is_a_loop_even_without_a_start() -> None:
    report = plan_graph(["a", "b"], [("a", "b"), ("b", "a")])
    assert not report.ok and "Loop" in report.summary()


def test_a_loose_step_is_named_and_the_chain_is_not() -> None:
    report = plan_graph(["a", "b", "c", "x"], [("a", "b"), ("b", "c")])
    assert report.fault_ids == {"x"}
    assert "Not connected: x is not linked to the chain" in report.summary()


def test_an_empty_canvas_says_what_to_do() -> None:
    assert "drag a step from the palette" in plan_graph([], []).summary()


def test_a_document_is_a_chain_in_list_order() -> None:
    assert document_edges(["a", "b", "c"]) == [("a", "b"), ("b", "c")]
    assert plan_steps([_S("x"), _S("a"), _S("m")]).order == ["x", "a", "m"]


def test_steps_that_cannot_run_are_refused_by_the_engine_before_anything_runs() -> None:
    # A list with a repeated id is a loop once each step feeds the next: the engine
    # refuses it (the document validation reports the repeated id first).
    with pytest.raises(ExperimentError, match="Loop"):
        run_order([_S("a"), _S("b"), _S("a")])


def test_the_engine_runs_in_the_order_the_topology_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    experiment = load_experiment({"id": "e", "name": "E", "steps": [
        {"id": "first", "type": "input", "name": "First"},
        {"id": "second", "type": "metrics", "name": "Second"}]})
    monkeypatch.setattr(topology, "run_order", lambda steps: list(reversed(steps)))

    async def main() -> list[str]:
        result = await Engine().start(experiment, {})
        return [s.id for s in result.steps]

    assert asyncio.run(main()) == ["second", "first"]


def test_document_validation_reports_what_the_topology_refuses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(steps: object, label: topology.Label = str) -> topology.Plan:
        return plan_graph(["a", "b"], [("a", "b"), ("b", "a")], label)

    monkeypatch.setattr(topology, "plan_steps", refuse)
    with pytest.raises(ExperimentError) as caught:
        load_experiment({"id": "e", "name": "E", "steps": [
            {"id": "a", "type": "input", "name": "A"}, {"id": "b", "type": "input", "name": "B"}]})
    assert "steps: Loop: steps[0] (a) -> steps[1] (b) -> steps[0] (a)" in str(caught.value)


@given(st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=12, unique=True),
       st.data())
def test_any_graph_is_either_one_chain_in_edge_order_or_refused_naming_its_nodes(
        ids: list[str], data: st.DataObject) -> None:
    edges = data.draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)),
                               max_size=2 * len(ids)))
    plan = plan_graph(ids, edges)
    if plan.ok:
        assert sorted(plan.order) == sorted(ids)
        assert set(zip(plan.order, plan.order[1:], strict=False)) == set(edges)
        assert len(edges) == len(ids) - 1
    else:
        assert plan.order == [] and plan.fault_ids <= set(ids)
        assert all(p.message for p in plan.problems)


@given(st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=50, unique=True))
def test_any_list_of_unique_ids_runs_in_list_order(ids: list[str]) -> None:
    assert run_order([_S(i) for i in ids]) == [_S(i) for i in ids]


def test_many_loose_nodes_are_reported_in_linear_time() -> None:
    # 20,000 pieces: the order of each piece is looked up, not rebuilt per piece.
    ids = [f"n{i}" for i in range(20_000)]
    plan = plan_graph(ids, [])
    assert len(plan.problems) == len(ids) - 1


@dataclass(frozen=True)
class _S:
    id: str


@given(st.lists(st.sampled_from("abcdef"), max_size=8))
def test_a_documents_plan_is_the_graph_walks_plan_even_with_repeated_ids(ids: list[str]) -> None:
    steps = [_S(i) for i in ids]
    walked = plan_graph(ids, document_edges(ids))
    assert plan_steps(steps) == walked
    if walked.ok:
        assert [s.id for s in run_order(steps)] == walked.order
    else:
        with pytest.raises(ExperimentError):
            run_order(steps)
