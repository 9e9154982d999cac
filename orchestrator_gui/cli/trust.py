"""Consent before a document sends anything: the run verbs' gate and ``orchestrator trust``.

Every verb that runs a document (``run``, ``test``, ``sweep``, ``replay``)
calls :func:`require_trust` first. A document whose exposure (core/trust.py:
hosts it sends to, ``${env:}``/``${secret:}`` names it reads) is not empty
runs only when the user approved that exposure before (``orchestrator trust``,
or Run in the app's hosts dialog), when it is a shipped example, or when
``--allow-host`` names every host it sends to. Otherwise the verb stops with
exit 2 and a list of each host and each name, and says how to approve.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from orchestrator_gui.cli.output import OK, CliError, print_json, say
from orchestrator_gui.cli.stores import borrowed_store, open_store
from orchestrator_gui.core import trust
from orchestrator_gui.store import Store

HELP = (
    "approve the hosts and secrets a document sends, so that it may run",
    "Show what EXPERIMENT (a JSON file or a stored experiment id) sends off this machine:\n"
    "each host, with the steps that contact it, and each ${env:NAME} / ${secret:NAME} it\n"
    "reads and sends. Then keep your approval in the database, keyed by a fingerprint of\n"
    "the steps that send (changing one of them asks again; changing a threshold does not).\n"
    "run, test, sweep and replay refuse a document that sends something you have not\n"
    "approved (exit 2) unless --allow-host names every host it contacts.",
    "examples:\n  orchestrator trust shared.json\n  orchestrator trust --list\n"
    "  orchestrator trust --revoke 3f2a9c\n\n"
    "exit codes: 0 approved (or nothing to approve); 2 invalid document or usage",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("experiment", metavar="EXPERIMENT", nargs="?",
                        help="a JSON file path, or the id of a stored experiment")
    parser.add_argument("--list", action="store_true", help="list the approvals kept")
    parser.add_argument("--revoke", metavar="FINGERPRINT",
                        help="forget an approval (a fingerprint prefix, or an experiment id)")
    parser.add_argument("--json", action="store_true", help="print as JSON")


def add_allow_host(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="let this run send to HOST (repeatable) without a stored approval")


def trust_command(args: argparse.Namespace) -> int:
    from orchestrator_gui.cli.run import resolve_experiment

    if args.list or args.revoke:
        with open_store(args.db) as kept:
            if args.revoke:
                gone = kept.revoke(args.revoke)
                say(f"{gone} approval{'s' if gone != 1 else ''} forgotten")
                return OK
            approvals = kept.list_approvals()
        if args.json:
            print_json(approvals)
        for item in [] if args.json else approvals:
            sends = ", ".join(item["hosts"] + item["references"]) or "-"
            print(f"{item['fingerprint'][:12]}  {item['experimentId']:<24} {sends}  "
                  f"({item['source']}, {item['approvedAt']})")
        return OK
    if not args.experiment:
        raise CliError("give EXPERIMENT to approve, or --list / --revoke")
    experiment, store = resolve_experiment(args.experiment, args.db)
    try:
        found = trust.exposure(experiment, _settings())
        if args.json:
            print_json(_as_dict(found))
        if found.is_empty():
            say(f"{args.experiment}: sends nothing off this machine and reads no secret; "
                "nothing to approve")
            return OK
        if not args.json:
            say(f"{args.experiment} sends:")
            for line in found.describe():
                say(f"  {line}")
        with borrowed_store(store, args.db) as own:
            own.approve(found, experiment.id, source=str(args.experiment))
    finally:
        if store is not None:
            store.close()
    say(f"approved (fingerprint {found.fingerprint[:12]}); `orchestrator trust --revoke "
        f"{found.fingerprint[:12]}` takes it back")
    return OK


def require_trust(experiment: Any, *, label: str, db: str | None, dry_run: bool = False,
                  allow_hosts: Sequence[str] = (), store: Store | None = None) -> None:
    """Return when ``experiment`` may run; else ``CliError`` (exit 2) listing what it sends."""
    settings = _settings()
    found = trust.check(experiment, settings, dry_run=dry_run, allow_hosts=allow_hosts)
    if found is None:
        return
    with borrowed_store(store, db) as own:  # opened only when nothing else allowed the run
        if found.approved_by(own.approved_fingerprints()):
            return
    lines = [f"{label}: not run: it would send data off this machine, and you have not approved it:"]
    lines += [f"  {line}" for line in found.describe()]
    if found.names:
        lines.append(f"  it reads and sends: {', '.join(found.names)}")
    hosts = " ".join(f"--allow-host {h}" for h in found.hosts)
    lines.append(f"  approve it once with: orchestrator trust {label}")
    if hosts and found.covered_by_hosts(found.hosts):
        lines.append(f"  or allow these hosts for this run: {hosts}")
    if not dry_run and trust.exposure(experiment, settings, dry_run=True).is_empty():
        lines.append("  or try it with --dry-run (webhooks send nothing)")
    raise CliError(*lines)


def _settings() -> Any:
    from orchestrator_gui.core.settings import AppSettings, SettingsError

    try:
        return AppSettings.load()
    except (SettingsError, OSError, ValueError):
        return None


def _as_dict(found: trust.Exposure) -> dict[str, Any]:
    return {
        "fingerprint": found.fingerprint or None,
        "hosts": [{"host": d.host, "steps": list(d.steps), "references": list(d.references)}
                  for d in found.destinations],
        "references": [{"reference": r.text, "stepId": r.step_id, "where": r.where}
                       for r in found.references],
        "unnamed": list(found.unnamed),
    }
