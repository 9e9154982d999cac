"""A small stand-in for Qt.py, lent to NodeGraphQt while it is imported.

Why it exists: NodeGraphQt 0.6.44 (pinned) reaches Qt through Qt.py, which
builds its ``QtCore``/``QtGui``/``QtWidgets`` by copying every listed member of
a dozen PySide6 modules. That makes PySide6 create ~650 enum types and import
QtQml, QtQuick, QtNetwork, QtSql... that nothing here uses: ~0.2 s of start-up
(docs/architecture.md, UI rule 9). NodeGraphQt needs
only QtCore, QtGui, QtWidgets and QtSvg, the classes Qt 6 moved from QtWidgets
to QtGui (which Qt.py keeps reachable under QtWidgets), and
``QtCompat.QHeaderView.setSectionResizeMode``. This module gives exactly that;
every other name is read from PySide6 on first use.
"""

from __future__ import annotations

import types
from typing import Any

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

# Qt.py's "misplaced members" for PySide6 that NodeGraphQt can reach: where Qt 5 had them.
MOVED_TO_QTGUI = ("QAction", "QActionGroup", "QShortcut",
                  "QUndoCommand", "QUndoGroup", "QUndoStack")


class _Forward:
    """A module's ``__getattr__`` (PEP 562): take the name from PySide6 and keep it."""

    def __init__(self, module: types.ModuleType, real: types.ModuleType) -> None:
        self.module, self.real = module, real

    def __call__(self, name: str) -> Any:
        value = getattr(self.real, name)
        setattr(self.module, name, value)
        return value


def _module(name: str, real: types.ModuleType, **extra: Any) -> types.ModuleType:
    module = types.ModuleType(f"Qt.{name}")
    module.__dict__.update(extra)
    module.__getattr__ = _Forward(module, real)  # type: ignore[method-assign]
    return module


def build() -> types.ModuleType:
    """A fresh ``Qt`` module answering what NodeGraphQt 0.6.44 imports from Qt.py."""
    compat = types.ModuleType("Qt.QtCompat")
    compat.QHeaderView = types.SimpleNamespace(  # type: ignore[attr-defined]
        setSectionResizeMode=QtWidgets.QHeaderView.setSectionResizeMode)
    qt = types.ModuleType("Qt")
    qt.__dict__.update(
        __binding__="PySide6", __qt_version__=QtCore.qVersion(),
        IsPySide6=True, IsPyQt6=False, IsPySide2=False, IsPyQt5=False,
        QtCore=_module("QtCore", QtCore, QRegExp=QtCore.QRegularExpression),
        QtGui=_module("QtGui", QtGui, QRegExpValidator=QtGui.QRegularExpressionValidator),
        QtWidgets=_module("QtWidgets", QtWidgets,
                          **{name: getattr(QtGui, name) for name in MOVED_TO_QTGUI}),
        QtSvg=_module("QtSvg", QtSvg),
        QtCompat=compat,
    )
    return qt
