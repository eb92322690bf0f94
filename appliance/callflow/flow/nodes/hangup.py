"""End the call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType
from appliance.callflow.flow.instructions import Hangup, Instruction

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class HangupNode(NodeType):
    """No fields."""

    name = "hangup"

    def targets(self, node: Node) -> list[str]:
        """Lead nowhere."""
        return []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Hang up."""
        return Hangup()
