"""Jump to another node (``next``): share one branch between several menus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class GotoNode(NodeType):
    """Fields: ``next``."""

    name = "goto"

    def validate(self, node: Node) -> list[str]:
        """Require the node to jump to."""
        return required(node, "next")

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Enter the next node at once."""
        return run.enter(str(node["next"]))
