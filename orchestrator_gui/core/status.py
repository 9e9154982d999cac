"""The words a run and its steps wait or end with: one vocabulary for every layer.

The words are contracts: the run record, the database and the command line
print them, and suites compare them (``status == "filtered"``). They are
``StrEnum`` members, so each *is* its word: equal to the plain string, printed
as it by ``str``, f-strings and ``%s``, and written byte for byte the same by
orjson, ``json`` and SQLite (tests/core/test_status.py). Records, being plain
data, carry the plain word (``str(status)``) so that a live record and one
read back from the store are equal value for value and type for type.

A step ends ``success`` even when it filtered the run out: ``filtered`` is the
run's word (a view may show it on the step that filtered, as the canvas does).
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is: waiting for a slot, going, or how it ended."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FILTERED = "filtered"  # a step stopped the run on purpose (a compliance check's filter)
    ERROR = "error"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the program stopped under it (SIGINT, or found at start-up)


class StepStatus(StrEnum):
    """Where a step is: not reached, going, or how it ended."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"  # never ran: an earlier step ended the run
    CANCELLED = "cancelled"


FINAL_RUN_STATUSES = frozenset({RunStatus.SUCCESS, RunStatus.FILTERED, RunStatus.ERROR,
                                RunStatus.TIMEOUT, RunStatus.CANCELLED, RunStatus.INTERRUPTED})
# The run did what it should: exit code 0, the run's output kept.
GOOD_RUN_STATUSES = frozenset({RunStatus.SUCCESS, RunStatus.FILTERED})
# Still going in some process: not final in the store yet.
LIVE_RUN_STATUSES = (RunStatus.RUNNING, RunStatus.QUEUED)
# A step that ended the run against its will (what a suite blames).
FAILED_STEP_STATUSES = (StepStatus.ERROR, StepStatus.TIMEOUT, StepStatus.CANCELLED)
# A step that did not run (yet, or at all).
UNRUN_STEP_STATUSES = (StepStatus.PENDING, StepStatus.SKIPPED)
