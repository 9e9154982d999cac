"""Chains only: what the checker says about branches, merges, loops and loose steps."""

from __future__ import annotations

from orchestrator_gui.ui.canvas.chain import check_chain


def test_a_chain_gives_its_order_whatever_the_listing_order() -> None:
    report = check_chain(["c", "a", "b"], [("a", "b"), ("b", "c")])
    assert report.ok
    assert report.order == ["a", "b", "c"]


def test_a_single_step_is_a_chain() -> None:
    assert check_chain(["a"], []).order == ["a"]


def test_a_branch_names_the_step_and_both_targets() -> None:
    report = check_chain(["a", "b", "c"], [("a", "b"), ("a", "c")], label=str.upper)
    assert not report.ok
    assert report.fault_ids == {"a", "b", "c"}
    assert "Branch: A feeds 2 steps (B, C)" in report.summary()


def test_a_merge_names_the_step_that_receives_twice() -> None:
    report = check_chain(["a", "b", "c"], [("a", "c"), ("b", "c")])
    assert "Merge: c receives from 2 steps (a, b)" in report.summary()


def test_a_loop_names_every_step_on_it() -> None:
    report = check_chain(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])
    loop = [p for p in report.problems if p.message.startswith("Loop")]
    assert loop and set(loop[0].node_ids) == {"b", "c"}
    assert "b -> c -> b" in loop[0].message


def test_a_closed_ring_is_a_loop_even_without_a_start() -> None:
    report = check_chain(["a", "b"], [("a", "b"), ("b", "a")])
    assert not report.ok and "Loop" in report.summary()


def test_a_loose_step_is_named_and_the_chain_is_not() -> None:
    report = check_chain(["a", "b", "c", "x"], [("a", "b"), ("b", "c")])
    assert report.fault_ids == {"x"}
    assert "Not connected: x is not linked to the chain" in report.summary()


def test_an_empty_canvas_says_what_to_do() -> None:
    assert "drag a step from the palette" in check_chain([], []).summary()
