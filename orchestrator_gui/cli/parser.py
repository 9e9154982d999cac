"""The ``orchestrator`` argument parser: verbs, flags, help texts and examples."""

from __future__ import annotations

import argparse

from orchestrator_gui import __version__
from orchestrator_gui.cli import db, endpoints, trust
from orchestrator_gui.cli.analysis_parser import add_analysis_verbs, positive_int

DESCRIPTION = """\
Design, run and inspect Experiment Orchestrator experiments from a terminal.
Experiments are JSON documents (see `orchestrator schema`); runs are kept in a
local SQLite database with the desktop app's history."""

EPILOG = """\
examples:
  orchestrator list
  orchestrator run risk-assessment --preset "High Risk"
  orchestrator run my-experiment.json --input '{"riskScore": 0.9}' --json
  orchestrator history risk-assessment --limit 5
  orchestrator test risk-assessment --junit report.xml
  orchestrator diff RUN_A RUN_B

exit codes: 0 run success or filtered, 1 the run ended otherwise,
            2 invalid document, input or usage (reasons on stderr),
            3 done but NOT saved (a full or read-only disk)
environment: ORCHESTRATOR_DB (database file), ORCHESTRATOR_USER (profile name)"""

_VERBS: dict[str, tuple[str, str, str]] = {
    "run": (
        "run an experiment and show each step as it goes",
        "Run EXPERIMENT (a JSON file, or the id of a stored experiment) and show each step\n"
        "on stderr as it starts and ends. The run is saved in the history unless --no-save.\n"
        "The run input is --input, a --preset, or both (--input keys override the preset's).",
        'examples:\n'
        '  orchestrator run risk-assessment --preset "High Risk"\n'
        '  orchestrator run pipeline.json --input \'{"riskScore": 0.2, "email": null}\'\n'
        "  orchestrator run pipeline.json --input @input.json --scenario nightly --json\n"
        "  orchestrator run webhook-notification --preset \"Happy Path\" --dry-run\n\n"
        "exit codes: 0 success or filtered; 1 error, timeout or cancelled;\n"
        "            2 invalid document or input (nothing ran);\n"
        "            3 the run finished but was NOT saved (a full or read-only disk)",
    ),
    "validate": (
        "check experiment files without running them",
        "Check each FILE against the document rules and every step's config.\n"
        "Every problem is listed on stderr, one per line, naming where it is.",
        "examples:\n  orchestrator validate pipeline.json\n  orchestrator validate *.json\n\n"
        "exit codes: 0 all valid; 2 at least one invalid",
    ),
    "list": (
        "list the stored experiments",
        "List the experiments in the database (shipped examples included). An experiment\n"
        "whose stored definition is invalid is listed with its problems.",
        "examples:\n  orchestrator list\n  orchestrator list --json",
    ),
    "history": (
        "list earlier runs, newest first",
        "List this user's runs, newest first, optionally of one experiment.\n"
        "`orchestrator show RUN_ID` prints one run's full record.",
        "examples:\n  orchestrator history\n  orchestrator history risk-assessment --limit 5\n"
        "  orchestrator history --status error --json",
    ),
    "show": (
        "print one run's full record (steps, inputs, outputs, logs) as JSON",
        "Print the stored record of RUN_ID as JSON, with the experiment as it was run.",
        "example:\n  orchestrator show 0dd9a0ae56724b3db1a39336c4992881",
    ),
    "import": (
        "store an experiment file in the database",
        "Validate FILE and store it under its id, so that `run ID` and the app find it.",
        "examples:\n  orchestrator import pipeline.json\n  orchestrator import pipeline.json --replace",
    ),
    "export": (
        "write a stored experiment as a JSON file",
        "Write the stored experiment ID as JSON to stdout, or to FILE with -o\n"
        "(written to a temporary file first, then renamed: never half-written).",
        "examples:\n  orchestrator export risk-assessment\n"
        "  orchestrator export risk-assessment -o risk.json",
    ),
    "schema": (
        "print the experiment document's JSON Schema",
        "Print the JSON Schema (draft 2020-12) of experiment documents, including the\n"
        "config of every registered step type; editors use it to check files as you type.",
        "examples:\n  orchestrator schema > experiment.schema.json\n"
        "  orchestrator schema -o experiment.schema.json",
    ),
    "endpoints": endpoints.HELP,
    "trust": trust.HELP,
    "db": db.HELP,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orchestrator", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, top=True)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", title="verbs")
    sub: dict[str, argparse.ArgumentParser] = {}
    for name, (summary, description, epilog) in _VERBS.items():
        sub[name] = verbs.add_parser(
            name, help=summary, description=description, epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(sub[name], top=False)

    run = sub["run"]
    run.add_argument("experiment", metavar="EXPERIMENT",
                     help="a JSON file path, or the id of a stored experiment")
    run.add_argument("--input", metavar="JSON",
                     help="the run input: a JSON object, or @FILE to read it from a file "
                          "(@- reads stdin)")
    run.add_argument("--preset", metavar="NAME",
                     help='a scenario preset ("Happy Path", "High Risk", "GDPR Sensitive" or '
                          "one you saved in the app); also names the scenario")
    run.add_argument("--scenario", metavar="NAME",
                     help="the scenario name recorded with the run (default: the preset's "
                          'name, else "custom")')
    run.add_argument("--dry-run", action="store_true",
                     help="side effects are simulated: webhooks record the request, send nothing")
    run.add_argument("--no-save", action="store_true", help="do not keep the run in the history")
    run.add_argument("--json", action="store_true",
                     help="print only the run record, as JSON, on stdout")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    trust.add_allow_host(run)
    trust.add_arguments(sub["trust"])

    sub["validate"].add_argument("files", metavar="FILE", nargs="+", help="experiment JSON files")
    sub["list"].add_argument("--json", action="store_true", help="print the list as JSON")

    history = sub["history"]
    history.add_argument("experiment", metavar="EXPERIMENT_ID", nargs="?",
                         help="only the runs of this experiment")
    history.add_argument("--limit", type=positive_int, default=20, metavar="N",
                         help="how many runs to show (default 20)")
    history.add_argument("--status", metavar="STATUS",
                         help="only runs with this status (success, filtered, error, ...)")
    history.add_argument("--json", action="store_true", help="print the runs as JSON")

    sub["show"].add_argument("run_id", metavar="RUN_ID", help="a run id from `history`")

    sub["import"].add_argument("file", metavar="FILE", help="an experiment JSON file")
    sub["import"].add_argument("--replace", action="store_true",
                               help="replace a stored experiment with the same id")

    sub["export"].add_argument("experiment", metavar="ID", help="a stored experiment id")
    sub["export"].add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    sub["schema"].add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    add_analysis_verbs(verbs, _common)
    for verb in ("test", "sweep", "replay"):
        trust.add_allow_host(verbs.choices[verb])
    endpoints.add_arguments(sub["endpoints"])
    db.add_arguments(sub["db"])
    return parser


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On the verbs the defaults are SUPPRESS, so `orchestrator --db X list` is not undone
    # by the verb's own default (an argparse subtlety).
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="the database file (default: $ORCHESTRATOR_DB, else the "
                             "user-data folder)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="log details (and tracebacks of failing steps) on stderr")
