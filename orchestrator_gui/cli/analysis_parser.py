"""Arguments of the comparison verbs: diff, test, sweep, baseline, replay.

Kept apart from ``parser.py`` so that the run/inspect verbs and these grow
independently; ``build_parser`` calls :func:`add_analysis_verbs` once.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

AddCommon = Callable[..., None]

_VERBS: dict[str, tuple[str, str, str]] = {
    "diff": (
        "compare two runs step by step",
        "Compare RUN_B with RUN_A (any two runs, also of different versions of the\n"
        "experiment): steps aligned by id with status and duration change, the inputs\n"
        "and outputs that differ by JSON path, the first step where the runs diverge,\n"
        "and what changed in the experiment itself (layout ignored). Run ids may be\n"
        "shortened to a unique prefix. Changes to timestamps, run ids and durations are\n"
        "hidden unless --all.",
        "examples:\n  orchestrator diff 0dd9a0ae 7c41e2b9\n  orchestrator diff 0dd9a0ae 7c41e2b9 --json\n\n"
        "exit codes: 0 compared; 2 a run was not found",
    ),
    "test": (
        "run the experiment's scenario suite (for CI)",
        "Run every scenario of EXPERIMENT's suite (the document's \"suite\", or\n"
        "--scenarios FILE) within the concurrency limit, check each expectation, print\n"
        "the pass/fail table, the failures per step, and what changed since the\n"
        "previous suite run. Progress goes to stderr.",
        "examples:\n  orchestrator test risk-assessment\n"
        "  orchestrator test pipeline.json --junit report.xml\n"
        "  orchestrator test risk-assessment --scenarios cases.csv\n\n"
        "exit codes: 0 every scenario passed; 1 at least one failed;\n"
        "            2 invalid document, scenarios file or usage; 3 not stored",
    ),
    "sweep": (
        "run one input field over a range and find where the outcome flips",
        "Run EXPERIMENT with FIELD set to STEPS evenly spaced values from FROM to TO\n"
        "(on top of --input/--preset), optionally crossed with the values of a second\n"
        "field (--grid FIELD=V1,V2: each value JSON if it parses, else text). Prints the\n"
        "outcome of each run (--watch PATH, default decision.outcome, else the status)\n"
        "and where it flips.",
        "examples:\n  orchestrator sweep risk-assessment --field riskScore --from 0 --to 1 --steps 11\n"
        "  orchestrator sweep risk-assessment --field riskScore --from 0 --to 1 --steps 11 \\\n"
        "      --grid email=null,person@eu.com --watch compliance.passed",
    ),
    "baseline": (
        "star a run as its experiment's baseline",
        "Star RUN_ID as the baseline of its experiment (replacing the previous one).\n"
        "New runs are compared with it; it is never pruned from the history.",
        "examples:\n  orchestrator baseline 0dd9a0ae\n  orchestrator baseline --show risk-assessment\n"
        "  orchestrator baseline --clear risk-assessment",
    ),
    "replay": (
        "run a run again with its recorded external answers",
        "Run RUN_ID again from its input and the experiment as it was, answering\n"
        "webhook and model calls from what the run recorded (nothing is sent), and say\n"
        "which steps now give a different output. --current replays against the\n"
        "experiment as stored now instead.",
        "examples:\n  orchestrator replay 0dd9a0ae\n  orchestrator replay 0dd9a0ae --current --json\n\n"
        "exit codes: 0 every step gave the same output; 1 some step differs;\n"
        "            2 the run was not found or cannot be replayed;\n"
        "            3 the replay run was not stored",
    ),
}


def add_analysis_verbs(verbs: argparse._SubParsersAction[argparse.ArgumentParser],
                       common: AddCommon) -> None:
    sub: dict[str, argparse.ArgumentParser] = {}
    for name, (summary, description, epilog) in _VERBS.items():
        sub[name] = verbs.add_parser(name, help=summary, description=description, epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
        common(sub[name], top=False)

    diff = sub["diff"]
    diff.add_argument("run_a", metavar="RUN_A", help="the run to compare with (before)")
    diff.add_argument("run_b", metavar="RUN_B", help="the run compared (after)")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON")
    diff.add_argument("--all", action="store_true",
                      help="also show changes of timestamps, run ids and durations")

    test = sub["test"]
    test.add_argument("experiment", metavar="EXPERIMENT",
                      help="a JSON file path, or the id of a stored experiment")
    test.add_argument("--scenarios", metavar="FILE",
                      help="run the scenarios of this .csv or .jsonl file instead of the suite")
    test.add_argument("--junit", metavar="FILE", help="write a JUnit XML report to FILE")
    test.add_argument("--json", action="store_true", help="print the suite run as JSON")
    test.add_argument("--concurrency", type=positive_int, metavar="N",
                      help="runs at once (default: the app's limit of concurrent runs)")
    test.add_argument("--save-runs", action="store_true",
                      help="also keep every scenario's run in the history")
    test.add_argument("--no-save", action="store_true",
                      help="do not keep the suite run (it is then not compared next time)")
    test.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")

    sweep = sub["sweep"]
    sweep.add_argument("experiment", metavar="EXPERIMENT",
                       help="a JSON file path, or the id of a stored experiment")
    sweep.add_argument("--field", required=True, metavar="PATH", help="the input field to sweep")
    sweep.add_argument("--from", dest="start", type=float, required=True, metavar="FROM")
    sweep.add_argument("--to", dest="stop", type=float, required=True, metavar="TO")
    sweep.add_argument("--steps", type=positive_int, default=11, metavar="N",
                       help="how many values, ends included (default 11)")
    sweep.add_argument("--grid", metavar="FIELD=V1,V2",
                       help="cross the sweep with these values of a second field")
    sweep.add_argument("--watch", default="decision.outcome", metavar="PATH",
                       help="what to read from each run (default decision.outcome)")
    sweep.add_argument("--input", metavar="JSON", help="the base input (JSON or @FILE)")
    sweep.add_argument("--preset", metavar="NAME", help="a preset as the base input")
    sweep.add_argument("--dry-run", action="store_true", help="side effects are simulated")
    sweep.add_argument("--json", action="store_true", help="print the sweep as JSON")

    baseline = sub["baseline"]
    baseline.add_argument("run_id", metavar="RUN_ID", nargs="?", help="the run to star")
    baseline.add_argument("--show", metavar="EXPERIMENT_ID",
                          help="print the baseline run of this experiment")
    baseline.add_argument("--clear", metavar="EXPERIMENT_ID",
                          help="remove the baseline of this experiment")

    replay = sub["replay"]
    replay.add_argument("run_id", metavar="RUN_ID", help="a run id (or a unique prefix)")
    replay.add_argument("--current", action="store_true",
                        help="replay against the experiment as stored now")
    replay.add_argument("--json", action="store_true", help="print the report as JSON")
    replay.add_argument("--no-save", action="store_true", help="do not keep the replay run")


def positive_int(text: str) -> int:
    """argparse type for counts: a whole number of at least 1 (shared by every verb)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
