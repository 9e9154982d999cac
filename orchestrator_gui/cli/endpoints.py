"""``orchestrator endpoints``: list the language-model endpoints and test a connection.

Why it exists: endpoints live in this machine's settings file, not in the
experiments, so a user needs to see which ones exist and check one (base URL,
model, key) before running a prompt chain. ``test`` sends one tiny chat
request through core/llm/probe.py, the same function the app's "Test
connection" button calls.
"""

from __future__ import annotations

import argparse
import asyncio

from orchestrator_gui.cli.output import INVALID, OK, RUN_FAILED, CliError, print_json, say, table
from orchestrator_gui.core.llm.endpoints import example_settings
from orchestrator_gui.core.llm.probe import test_endpoint
from orchestrator_gui.core.settings import AppSettings, SettingsError, settings_path

HELP = (
    "list the language-model endpoints, or test one",
    "Language-model endpoints (any OpenAI-compatible server: Ollama, LM Studio, vLLM or a\n"
    "hosted one) are named in this machine's settings file, under \"endpoints\", and chosen\n"
    "by name in `prompt` and `ai_decision` (agentType \"llm\") steps.\n"
    "  list       show them (the default)\n"
    "  test NAME  send one short chat request; prints the model, latency, ok or the reason",
    "examples:\n"
    "  orchestrator endpoints list\n"
    "  orchestrator endpoints test local\n\n"
    "settings file: $ORCHESTRATOR_CONFIG_DIR/settings.json, else the user config folder;\n"
    "an entry looks like:\n  " + example_settings("local") + "\n\n"
    "exit codes: 0 listed, or the test answered; 1 the test failed; 2 no such endpoint\n"
    "            or an unreadable settings file",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="show the configured endpoints")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    test = actions.add_parser("test", help="send one short chat request to NAME")
    test.add_argument("name", metavar="NAME", help="an endpoint name from `endpoints list`")
    test.add_argument("--json", action="store_true", help="print the outcome as JSON")


def endpoints_command(args: argparse.Namespace) -> int:
    try:
        settings = AppSettings.load()
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if getattr(args, "action", None) == "test":
        return _test(settings, args.name, args.json)
    return _list(settings, getattr(args, "json", False))


def _list(settings: AppSettings, as_json: bool) -> int:
    endpoints = settings.endpoints
    if as_json:
        print_json({name: e.model_dump(mode="json", by_alias=True)
                    for name, e in sorted(endpoints.items())})
        return OK
    if not endpoints:
        say(f"no endpoints in {settings_path()}; add one there, for example:")
        say(f"  {example_settings('local')}")
        return OK
    rows = [[name, e.base_url, e.model, e.api_key or "-", f"{e.timeout_seconds:g} s"]
            for name, e in sorted(endpoints.items())]
    print(table(rows, ["NAME", "BASE URL", "MODEL", "API KEY", "TIMEOUT"]))
    say(f"(from {settings_path()})")
    return OK


def _test(settings: AppSettings, name: str, as_json: bool) -> int:
    check = asyncio.run(test_endpoint(settings, name))
    if as_json:
        print_json({"name": check.name, "ok": check.ok, "url": check.url, "model": check.model,
                    "latencyMs": check.latency_ms, "reason": check.reason, "reply": check.reply})
    if name not in settings.endpoints:
        if not as_json:
            say(f"{name}: {check.reason}")
        return INVALID
    if check.ok:
        if not as_json:
            print(f"{name}: ok: model {check.model!r} answered in {check.latency_ms:.0f} ms "
                  f"({check.url})")
        return OK
    if not as_json:
        say(f"{name}: failed: {check.reason}")
    return RUN_FAILED
