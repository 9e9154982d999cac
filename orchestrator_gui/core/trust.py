"""What a document would send where, and whether the user has agreed to it.

Why it exists: experiment files travel by e-mail and chat. A webhook header of
``Bearer ${env:AWS_SECRET_ACCESS_KEY}`` in someone else's file would send the
user's own credential to the file author's server the moment the user pressed
Run. So a document that came from outside (a file, an import, the database
that an import filled) is *untrusted* until the user has approved its
**exposure**: every host it sends data to, and every ``${env:NAME}`` /
``${secret:NAME}`` it would read and send, with the steps involved.

An approval is kept under the document's **fingerprint**: a SHA-256 of the
canonical JSON of the parts that decide what leaves the machine — the id, type
and whole config of every step that contacts a host or uses a reference. A
model endpoint named by a step is listed with its host, but its address is
the user's own setting, so changing it does not void approvals. Changing a threshold does
not ask again; changing a webhook's URL, headers or anything else of such a
step does. A document whose exposure is empty needs no approval.

Who is trusted (docs/hardening.md, "Trust"): the user; documents the app
shipped (the examples, by fingerprint); Python code that hands
``run_experiment`` an ``Experiment`` (the caller is the author, see
:func:`check` for callers that run other people's files). Nobody else.

Finding references is a linear scan over every string of every step's config,
not only the fields a built-in type resolves today: a plugin step may resolve
references in any field, so any ``${env:NAME}`` / ``${secret:NAME}`` counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from orchestrator_gui.core.registry import StepRegistry, default_registry

_KINDS = ("env", "secret")
_MAX_NAME = 128


@dataclass(frozen=True)
class ReferenceUse:
    """``${kind:name}`` written in ``step_id``'s config at ``where`` (``headers.Authorization``)."""

    text: str
    step_id: str
    where: str


@dataclass(frozen=True)
class Destination:
    """A host the document sends to, the steps that do, and the references they carry."""

    host: str
    steps: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class Exposure:
    """Everything a run of the document would send off the machine, and its fingerprint."""

    destinations: tuple[Destination, ...] = ()
    references: tuple[ReferenceUse, ...] = ()
    # Steps whose type contacts the network while their config names no host:
    # "acme-1 (acme_notify)". Where they send is not known, so only an approval covers them.
    unnamed: tuple[str, ...] = ()
    fingerprint: str = ""
    # A dry run's exposure is part of the full run's: approving the full run covers it.
    full_fingerprint: str = ""

    @property
    def hosts(self) -> list[str]:
        return [d.host for d in self.destinations]

    @property
    def names(self) -> list[str]:
        """The references, each once, in document order: ``${env:TOKEN}``."""
        return list(dict.fromkeys(r.text for r in self.references))

    def is_empty(self) -> bool:
        return not self.destinations and not self.references and not self.unnamed

    def approved_by(self, fingerprints: Iterable[str]) -> bool:
        """Whether one of ``fingerprints`` is this exposure's, or its full run's."""
        return not {self.fingerprint, self.full_fingerprint}.isdisjoint(fingerprints)

    def covered_by_hosts(self, allowed: Iterable[str]) -> bool:
        """Whether ``--allow-host`` entries cover every destination (``host`` covers any port).

        A reference used by a step that contacts no known host is never covered
        this way: where it would go is not known, so only an approval can cover it.
        """
        wanted = {a.strip().lower().strip("[]") for a in allowed if a.strip()}
        sent = {s for d in self.destinations for s in d.steps}
        if self.unnamed or any(r.step_id not in sent for r in self.references):
            return False
        return all(d.host.lower().strip("[]") in wanted or _bare_host(d.host) in wanted
                   for d in self.destinations)

    def describe(self) -> list[str]:
        """Lines for people: each host with its steps and references, then unplaced references."""
        lines = []
        for d in self.destinations:
            carried = f", sending {', '.join(d.references)}" if d.references else ""
            lines.append(f"{d.host} (step{'s' if len(d.steps) > 1 else ''} "
                         f"{', '.join(d.steps)}{carried})")
        sent = {s for d in self.destinations for s in d.steps}
        for ref in self.references:
            if ref.step_id not in sent:
                lines.append(f"{ref.text} read by step {ref.step_id} ({ref.where}), "
                             "destination unknown")
        lines += [f"step {step}: its type sends data to a destination the document does not name"
                  for step in self.unnamed]
        return lines


def exposure(experiment: Any, settings: Any = None, *, dry_run: bool = False,
             registry: StepRegistry | None = None) -> Exposure:
    """The exposure of ``experiment`` (an ``Experiment``); ``settings`` an ``AppSettings``.

    What a step's type declares (core/registry.py) counts: with ``dry_run``,
    types that are ``silent_when_dry`` are left out; a step whose type
    ``contacts_network`` and whose config names no host or endpoint is listed
    in ``unnamed``.
    """
    from orchestrator_gui.core.netpolicy import names_endpoint, step_hosts

    registry = registry or default_registry()
    endpoints = getattr(settings, "endpoints", None) or {}
    by_host: dict[str, tuple[list[str], list[str]]] = {}
    uses: list[ReferenceUse] = []
    unnamed: list[str] = []
    relevant: list[dict[str, Any]] = []
    for step in experiment.steps:
        kind = registry.get(step.type) if step.type in registry else None
        if dry_run and kind is not None and kind.silent_when_dry:
            continue
        config = step.config if isinstance(step.config, dict) else {}
        hosts = step_hosts(config, endpoints)
        refs = [ReferenceUse(text, step.id, where) for where, text in _references(config)]
        if not hosts and kind is not None and kind.contacts_network \
                and not names_endpoint(config):
            unnamed.append(f"{step.id} ({step.type})")
        elif not hosts and not refs:
            continue
        uses.extend(refs)
        relevant.append({"id": step.id, "type": step.type, "config": config})
        for host in hosts:
            steps, carried = by_host.setdefault(host, ([], []))
            steps.append(step.id)
            carried.extend(r.text for r in refs if r.text not in carried)
    destinations = tuple(Destination(h, tuple(s), tuple(c))
                         for h, (s, c) in sorted(by_host.items()))
    digest = ""
    if relevant:
        canonical = orjson.dumps(relevant, option=orjson.OPT_SORT_KEYS)
        digest = hashlib.sha256(canonical).hexdigest()
    full = exposure(experiment, settings, registry=registry).fingerprint if dry_run else digest
    return Exposure(destinations, tuple(uses), tuple(unnamed), digest, full)


def check(experiment: Any, settings: Any = None, *, dry_run: bool = False,
          approved: Iterable[str] = (), allow_hosts: Iterable[str] = (),
          registry: StepRegistry | None = None) -> Exposure | None:
    """``None`` when the run may go ahead; else the exposure still needing the user's consent.

    For Python callers that run documents they did not write: ``approved`` holds
    fingerprints the user agreed to, ``allow_hosts`` the hosts they named.
    Shipped examples are always approved.
    """
    found = exposure(experiment, settings, dry_run=dry_run, registry=registry)
    if found.is_empty() or found.covered_by_hosts(allow_hosts):
        return None
    if found.approved_by({*approved, *shipped_fingerprints(settings)}):
        return None
    return found


def shipped_fingerprints(settings: Any = None) -> set[str]:
    """Fingerprints of the examples the app ships (from us, so never asked about).

    Computed with the same ``settings`` as the document they are compared with:
    which steps send depends on the user's model endpoints.
    """
    from orchestrator_gui import resources
    from orchestrator_gui.core.document import load_experiment

    found = set()
    for file in sorted(resources.path("examples").glob("*.json")):
        try:
            found.add(exposure(load_experiment(file), settings).fingerprint)
        except ValueError:
            continue
    return found - {""}


def _references(value: Any, where: str = "config") -> Iterator[tuple[str, str]]:
    """Every well-formed ``${env:NAME}`` / ``${secret:NAME}`` in strings and keys, with its place."""
    if isinstance(value, str):
        for text in find_references(value):
            yield where, text
    elif isinstance(value, dict):
        for key, item in value.items():
            for text in find_references(str(key)):
                yield f"{where}.{key}", text
            yield from _references(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{where}.{index}")


def find_references(text: str) -> list[str]:
    """Each ``${env:NAME}`` or ``${secret:NAME}`` in ``text``, wherever it starts.

    Linear: every ``${`` is looked at once and a name is read for at most
    128 characters. Broader than what the resolver accepts on purpose: a
    reference that a plugin might resolve is listed rather than missed.
    """
    found: list[str] = []
    start = text.find("${")
    while start != -1:
        kind, colon, _ = text[start + 2:start + 9].partition(":")
        if colon and kind in _KINDS:
            name_start = start + 3 + len(kind)
            end = text.find("}", name_start, name_start + _MAX_NAME + 1)
            if end > name_start and "${" not in text[name_start:end]:
                found.append(text[start:end + 1])
        start = text.find("${", start + 2)
    return list(dict.fromkeys(found))


def _bare_host(host: str) -> str:
    if host.startswith("["):
        return host.partition("]")[0][1:].lower()
    return host.rpartition(":")[0].lower() if host.count(":") == 1 else host.lower()
