"""The headless core: document, registry, engine and step types. Never imports Qt.

Public names are re-exported from ``orchestrator_gui``; import from there.
"""
