"""Experiment Orchestrator: design, run and compare multi-step experiments.

The headless API (no Qt is imported here or by anything below ``core``)::

    from orchestrator_gui import load_experiment, run_experiment
    exp = load_experiment("experiment.json")   # ExperimentError lists every problem
    result = await run_experiment(experiment=exp, input={"riskScore": 0.5}, scenario="test")
    result.status, result.output, result.steps[0].duration_ms, result.to_record()
"""

from __future__ import annotations

import logging

from orchestrator_gui.core.context import StepContext
from orchestrator_gui.core.document import Experiment, Settings, Step, load_experiment
from orchestrator_gui.core.engine import Engine, Limits, RunHandle, run_experiment
from orchestrator_gui.core.errors import (
    ComplianceViolation,
    ExperimentError,
    InputError,
    OrchestratorError,
    StepError,
)
from orchestrator_gui.core.registry import (
    StepConfig,
    StepRegistry,
    StepType,
    default_registry,
    register_step_type,
)
from orchestrator_gui.core.result import RunResult, StepResult
from orchestrator_gui.core.schema import experiment_json_schema
from orchestrator_gui.core.status import RunStatus, StepStatus

__version__ = "0.1.0"

# A library stays quiet unless the program using it configures logging
# (the CLI and the app do); without this, step warnings reach stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ComplianceViolation",
    "Engine",
    "Experiment",
    "ExperimentError",
    "InputError",
    "Limits",
    "OrchestratorError",
    "RunHandle",
    "RunResult",
    "RunStatus",
    "Settings",
    "Step",
    "StepConfig",
    "StepContext",
    "StepError",
    "StepRegistry",
    "StepResult",
    "StepStatus",
    "StepType",
    "__version__",
    "default_registry",
    "experiment_json_schema",
    "load_experiment",
    "register_step_type",
    "run_experiment",
]
