"""Dockable panels around the canvas: palette, properties, the run panels, the library."""
