"""Step-type policy is declared by the type (core/registry.py), never read from its name.

A plugin-like type that says it contacts the network is asked about like a
webhook; one that says a dry run silences it is left out of a dry run's
exposure like a webhook; new steps take their id prefix from their type.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrator_gui.core import trust
from orchestrator_gui.core.document import load_experiment
from orchestrator_gui.core.errors import RegistryError
from orchestrator_gui.core.registry import StepRegistry, StepType, default_registry


async def _handler(step: Any, ctx: Any) -> dict[str, Any]:
    return dict(ctx.input)


def _registry(*extra: StepType) -> StepRegistry:
    registry = StepRegistry()
    for step_type in default_registry():
        registry.register(step_type)
    for step_type in extra:
        registry.register(step_type)
    return registry


def _doc(*steps: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"id": "shared", "name": "Shared", "steps": [
        {"id": f"s-{n}", "type": kind, "name": f"S{n}", "config": config}
        for n, (kind, config) in enumerate(steps)]}


def test_the_built_in_types_declare_what_the_app_used_to_hard_code() -> None:
    types = {t.name: t for t in default_registry()}
    assert {n for n, t in types.items() if t.contacts_network} == {"webhook", "prompt"}
    assert {n for n, t in types.items() if t.silent_when_dry} == {"webhook"}
    assert types["ai_decision"].id_prefix == "ai"
    assert types["compliance_check"].id_prefix == "compliance"
    assert types["data_mapping"].id_prefix == "data-mapping"
    assert len(types) == 8


def test_a_plugin_that_declares_nothing_gets_the_safe_defaults() -> None:
    plain = StepType("acme_shout", _handler)
    assert not plain.contacts_network and not plain.silent_when_dry
    assert plain.id_prefix == "acme-shout"


@pytest.mark.parametrize("prefix", ["has space", "x" * 41, "a/b", "\u202eab"])
def test_an_id_prefix_that_would_make_bad_ids_is_refused(prefix: str) -> None:
    with pytest.raises(RegistryError, match="id_prefix"):
        StepType("acme_shout", _handler, id_prefix=prefix)


def test_a_type_that_contacts_the_network_is_asked_about_even_when_its_config_names_no_host(
) -> None:
    notify = StepType("acme_notify", _handler, contacts_network=True)
    registry = _registry(notify)
    experiment = load_experiment(_doc(("input", {}), ("acme_notify", {"channel": "#ops"})),
                                 registry=registry)
    found = trust.exposure(experiment, registry=registry)
    assert found.unnamed == ("s-1 (acme_notify)",) and not found.is_empty()
    assert trust.check(experiment, registry=registry) is not None  # needs an approval
    assert trust.check(experiment, registry=registry, allow_hosts=["example.com"]) is not None
    assert any("s-1 (acme_notify)" in line and "does not name" in line
               for line in found.describe())
    assert trust.check(experiment, registry=registry, approved=[found.fingerprint]) is None


def test_the_same_type_without_the_declaration_sends_nothing_the_trust_check_sees() -> None:
    quiet = StepType("acme_notify", _handler)
    registry = _registry(quiet)
    experiment = load_experiment(_doc(("acme_notify", {"channel": "#ops"})), registry=registry)
    assert trust.exposure(experiment, registry=registry).is_empty()


def test_silent_when_dry_leaves_a_plugin_out_of_a_dry_run_like_a_webhook() -> None:
    url = {"target": "https://hooks.example.com/x"}
    silent = StepType("acme_post", _handler, contacts_network=True, silent_when_dry=True)
    loud = StepType("acme_call", _handler, contacts_network=True)
    registry = _registry(silent, loud)
    experiment = load_experiment(_doc(("acme_post", url), ("acme_call", url)), registry=registry)
    assert trust.exposure(experiment, registry=registry).destinations[0].steps == ("s-0", "s-1")
    dry = trust.exposure(experiment, registry=registry, dry_run=True)
    assert dry.destinations[0].steps == ("s-1",)


@given(contacts=st.booleans(), silent=st.booleans(),
       config=st.sampled_from([{}, {"channel": "#ops"}, {"url": "https://h.example/x"},
                               {"endpoint": "local"}, {"token": "${env:TOKEN}"}]))
def test_a_declared_network_step_is_never_missing_from_a_full_runs_exposure(
        contacts: bool, silent: bool, config: dict[str, Any]) -> None:
    kind = StepType("acme_any", _handler, contacts_network=contacts, silent_when_dry=silent)
    registry = _registry(kind)
    experiment = load_experiment(_doc(("acme_any", config)), registry=registry)
    full = trust.exposure(experiment, registry=registry)
    dry = trust.exposure(experiment, registry=registry, dry_run=True)
    named = {s for d in full.destinations for s in d.steps} | {r.step_id for r in full.references}
    if contacts and "endpoint" not in config:
        assert "s-0" in named or full.unnamed == ("s-0 (acme_any)",)
    if silent:
        assert dry.is_empty()
    else:
        assert dry.hosts == full.hosts and dry.unnamed == full.unnamed
