"""``python -m orchestrator_gui``: the ``orchestrator`` command line."""

from __future__ import annotations

from orchestrator_gui.cli import main

raise SystemExit(main())
