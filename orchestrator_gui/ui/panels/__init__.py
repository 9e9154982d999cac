"""Dockable panels around the canvas: palette, properties (the run panels come later)."""
