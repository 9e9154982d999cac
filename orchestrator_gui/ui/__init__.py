"""The desktop app: the only package that imports PySide6, NodeGraphQt and qasync.

NodeGraphQt reaches Qt through Qt.py, which picks a binding at import time, so
the binding is pinned here before anything below can import NodeGraphQt. Its
DeprecationWarnings (distutils, ``QDropEvent.pos``) are filtered by module so
that our own warnings still surface.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="NodeGraphQt")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="Qt")
