"""Node classes built from the step registry: one NodeGraphQt class per step type.

NodeGraphQt node ids are memory addresses, so everything that belongs to the
document lives in node properties: ``step_id``, ``step_config`` (the config as
written), ``step_timeout`` and ``step_extra`` (step keys we do not know, kept
for the round trip). The step's name is the node's own ``name`` property, but
unlike NodeGraphQt's default two steps may share a name: ids, not names, are
what must be unique in a document.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor

from orchestrator_gui.core.registry import StepRegistry, StepType
from orchestrator_gui.ui import icons
from orchestrator_gui.ui.canvas.graph_adapter import GraphNode
from orchestrator_gui.ui.canvas.node_item import SUBTITLE_SEPARATOR, StepNodeItem

IDENTIFIER = "orchestrator"
STEP_PROPERTIES = ("step_id", "step_config", "step_timeout", "step_extra")


class StepNode(GraphNode):
    """A step on the canvas: one input, one output, document data in properties."""

    __identifier__ = IDENTIFIER
    NODE_NAME = "Step"
    STEP_TYPE: StepType | None = None

    def __init__(self) -> None:
        super().__init__(qgraphics_item=StepNodeItem)
        self.add_input("in", multi_input=False, display_name=False, color=(122, 130, 148))
        self.add_output("out", multi_output=False, display_name=False, color=(122, 130, 148))
        self.create_property("step_id", "")
        self.create_property("step_config", {})
        self.create_property("step_timeout", None)
        self.create_property("step_extra", {})
        step_type = self.STEP_TYPE
        if step_type is not None:
            item: StepNodeItem = self.view
            item.accent = QColor(step_type.color)
            item.glyph = icons.glyph(step_type, 18)
            item.subtitle = step_type.title

    @property
    def step_type(self) -> StepType:
        assert self.STEP_TYPE is not None
        return self.STEP_TYPE

    @property
    def item(self) -> StepNodeItem:
        return self.view

    def step_id(self) -> str:
        return str(self.get_property("step_id"))

    def refresh_subtitle(self) -> None:
        self.item.subtitle = f"{self.step_type.title}{SUBTITLE_SEPARATOR}{self.step_id()}"
        self.item.update()

    def set_selected(self, selected: bool = True) -> None:
        """Selecting is not an edit: keep it out of the undo history (NodeGraphQt pushes it)."""
        self.set_property("selected", selected, push_undo=False)

    def property_set(self, name: str) -> None:
        if name == "step_id":
            self.refresh_subtitle()
        else:
            super().property_set(name)


def class_name_for(type_name: str) -> str:
    """A Python class name for a step type name (which may hold '-')."""
    return "Step_" + re.sub(r"\W", "_", type_name)


def build_node_classes(registry: StepRegistry) -> dict[str, type[StepNode]]:
    """One ``StepNode`` subclass per registered type, keyed by the step type's name."""
    classes: dict[str, type[StepNode]] = {}
    used: set[str] = set()
    for step_type in registry:
        name = class_name_for(step_type.name)
        while name in used:
            name += "_"
        used.add(name)
        classes[step_type.name] = type(
            name, (StepNode,), {"NODE_NAME": step_type.title, "STEP_TYPE": step_type}
        )
    return classes
