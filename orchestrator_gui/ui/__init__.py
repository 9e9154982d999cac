"""The desktop app: the only package that imports PySide6, NodeGraphQt and qasync.

NodeGraphQt is imported by one module, ``canvas/graph_adapter.py`` (which says
how and why). Its DeprecationWarnings (``QDropEvent.pos``...) are filtered here,
before any of the app's modules loads, by module so that our own warnings still
surface.
"""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning, module="NodeGraphQt")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="Qt")
