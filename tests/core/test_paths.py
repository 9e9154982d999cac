"""Dotted paths (core/paths.py), the addressing every data step relies on."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator_gui.core.paths import (
    MISSING,
    check_path,
    copy_json,
    get_field,
    get_path,
    is_number,
    join_path,
    json_kind,
    set_path,
    split_path,
)

DATA: dict[str, Any] = {
    "user": {"contact": {"email": "a@b.eu"}, "age": 0, "note": None},
    "items": [{"id": "x1"}, {"id": "x2", "tags": ["t0", "t1"]}],
    "a.b": "literal",
    "a": {"b": "nested"},
}


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("email", ["email"]),
        ("user.contact.email", ["user", "contact", "email"]),
        ("items.0.id", ["items", "0", "id"]),
        ("items[0].id", ["items", "0", "id"]),
        ("items[1].tags[0]", ["items", "1", "tags", "0"]),
        ("matrix[0][1]", ["matrix", "0", "1"]),
    ],
)
def test_split_path(path: str, parts: list[str]) -> None:
    assert split_path(path) == parts


@pytest.mark.parametrize("path", ["", "a..b", ".a", "a.", "[0]", "a.[0]"])
def test_split_path_refuses_empty_segments(path: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        split_path(path)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("user.contact.email", "a@b.eu"),
        ("user.age", 0),
        ("user.note", None),
        ("items.1.id", "x2"),
        ("items[1].tags[1]", "t1"),
        ("items", DATA["items"]),
        ("a.b", "nested"),  # get_path always follows the dots
    ],
)
def test_get_path_finds(path: str, value: Any) -> None:
    assert get_path(DATA, path) == value
    assert get_path(DATA, split_path(path)) == value


@pytest.mark.parametrize(
    "path",
    ["nope", "user.phone", "items.2.id", "items.x", "user.age.years", "items.-1.id", "user.0"],
)
def test_get_path_missing(path: str) -> None:
    assert get_path(DATA, path) is MISSING


def test_missing_is_falsy_and_distinct_from_null() -> None:
    assert not MISSING
    assert repr(MISSING) == "MISSING"
    assert get_path(DATA, "user.note") is None


def test_get_field_prefers_a_literal_top_level_key() -> None:
    assert get_field(DATA, "a.b") == "literal"
    assert get_field(DATA, "user.contact.email") == "a@b.eu"
    assert get_field(DATA, "user.nope") is MISSING
    assert get_field([1, 2], "1") == 2


def test_set_path_builds_nested_objects() -> None:
    data: dict[str, Any] = {"keep": 1}
    set_path(data, "a.b.c", 1)
    set_path(data, "a.b.d", 2)
    set_path(data, ["x", "y"], 3)
    assert data == {"keep": 1, "a": {"b": {"c": 1, "d": 2}}, "x": {"y": 3}}


def test_set_path_replaces_scalars_on_the_way_and_sets_list_items() -> None:
    data: dict[str, Any] = {"s": 5, "items": [{"id": 1}, "text"]}
    set_path(data, "s.inner", True)
    set_path(data, "items[0].id", 9)
    set_path(data, "items.1.label", "L")
    set_path(data, "items.0", {"new": True})
    assert data == {"s": {"inner": True}, "items": [{"new": True}, {"label": "L"}]}


@pytest.mark.parametrize("path", ["items.2", "items.5.id", "items.x", "items.x.y"])
def test_set_path_refuses_a_bad_list_index_naming_it(path: str) -> None:
    data: dict[str, Any] = {"items": [1, 2]}
    with pytest.raises(ValueError) as info:
        set_path(data, path, 0)
    assert repr(path) in str(info.value) and "'items' is a list of 2" in str(info.value)
    assert data == {"items": [1, 2]}


def test_join_path() -> None:
    assert join_path(["items", 0, "phone"]) == "items.0.phone"
    assert join_path(("user",)) == "user"
    assert join_path([]) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, True), (1.5, True), (-3, True), (True, False), (False, False), ("1", False),
     (None, False), ([1], False)],
)
def test_is_number_excludes_booleans(value: Any, expected: bool) -> None:
    assert is_number(value) is expected


def test_check_path() -> None:
    assert check_path("items[0].id") == "items[0].id"
    with pytest.raises(ValueError, match="empty segment"):
        check_path("a..b")


def test_copy_json_is_independent() -> None:
    original = {"a": [{"b": 1}]}
    copied = copy_json(original)
    copied["a"][0]["b"] = 2
    assert original == {"a": [{"b": 1}]}
    assert copy_json(5) == 5 and copy_json(None) is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [(None, "null"), (True, "true/false"), (3, "a number"), ("x", "text"), ([], "a list"),
     ({}, "an object")],
)
def test_json_kind(value: Any, kind: str) -> None:
    assert json_kind(value) == kind


def test_same_in_order_counts_a_new_key_order_as_a_change() -> None:
    from orchestrator_gui.core.paths import same_in_order

    assert same_in_order({"a": 1, "b": [{"x": 1, "y": 2}]}, {"a": 1, "b": [{"x": 1, "y": 2}]})
    assert not same_in_order({"a": 1, "b": 2}, {"b": 2, "a": 1})  # equal, but moved
    assert not same_in_order({"b": [{"x": 1, "y": 2}]}, {"b": [{"y": 2, "x": 1}]})
    assert not same_in_order({"a": 1}, {"a": 2}) and same_in_order("t", "t")
