"""The desktop app: the only package that imports PySide6, NodeGraphQt and qasync.

NodeGraphQt's DeprecationWarnings (``QDropEvent.pos``...) are filtered by
module so that our own warnings still surface.

Two stand-ins are lent to NodeGraphQt 0.6.44 (pinned) while it is imported, and
removed right after, each because the real module costs ~0.2 s of start-up:
``distutils.version`` (it only asks whether Qt is at least 5.10; distutils comes
through setuptools' shim and warns) and ``Qt`` (Qt.py, which copies every member
of a dozen PySide6 modules; see ``qt_shim``). NodeGraphQt keeps the modules it
imported from them.
"""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any

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
    if "NodeGraphQt" in sys.modules:
        return
    from orchestrator_gui.ui import qt_shim

    version = types.ModuleType("distutils.version")
    version.LooseVersion = _LooseVersion  # type: ignore[attr-defined]
    lent = {"distutils.version": version, "Qt": qt_shim.build()}
    lent = {name: module for name, module in lent.items() if name not in sys.modules}
    sys.modules.update(lent)
    try:
        import NodeGraphQt  # noqa: F401
    finally:
        for name, module in lent.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


_import_nodegraphqt()
