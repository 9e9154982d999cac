"""The desktop app: the only package that imports PySide6, NodeGraphQt and qasync.

NodeGraphQt reaches Qt through Qt.py, which picks a binding at import time, so
the binding is pinned here before anything below can import NodeGraphQt. Its
DeprecationWarnings (distutils, ``QDropEvent.pos``) are filtered by module so
that our own warnings still surface.

NodeGraphQt 0.6.44 imports ``distutils.version.LooseVersion`` only to check
that Qt is at least 5.10. Importing distutils costs ~200 ms of start-up (through
setuptools' shim) and warns; while NodeGraphQt is imported, a small stand-in
module answers that one question, and it is removed right after.
"""

from __future__ import annotations

import os
import sys
import types
import warnings
from typing import Any

os.environ.setdefault("QT_PREFERRED_BINDING", "PySide6")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="NodeGraphQt")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="Qt")


class _LooseVersion:
    """Enough of distutils' LooseVersion for NodeGraphQt's ``qVersion() >= '5.10'``."""

    def __init__(self, text: str) -> None:
        self.parts = tuple(int(p) if p.isdigit() else 0 for p in str(text).split("."))

    def __ge__(self, other: Any) -> bool:
        return bool(self.parts >= other.parts)

    def __lt__(self, other: Any) -> bool:
        return bool(self.parts < other.parts)


def _import_nodegraphqt() -> None:
    if "NodeGraphQt" in sys.modules or "distutils.version" in sys.modules:
        return
    stand_in = types.ModuleType("distutils.version")
    stand_in.LooseVersion = _LooseVersion  # type: ignore[attr-defined]
    sys.modules["distutils.version"] = stand_in
    try:
        import NodeGraphQt  # noqa: F401
    finally:
        if sys.modules.get("distutils.version") is stand_in:
            del sys.modules["distutils.version"]


_import_nodegraphqt()
