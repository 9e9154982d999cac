"""Frozen entry point of the bundled command line: the `orchestrator` executable runs this file.

The same as the ``orchestrator = orchestrator_gui.cli:main`` entry point; it
never imports Qt, so the command starts fast and works without a display.
"""

from orchestrator_gui.cli import main

raise SystemExit(main())
