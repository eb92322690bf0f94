"""Play a prompt, then go on to ``next``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class PlayNode(NodeType):
    """Fields: ``prompt``, ``next``."""

    name = "play"

    def validate(self, node: Node) -> list[str]:
        """Require a prompt and a next node."""
        return required(node, "prompt", "next")

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Play the prompt."""
        return run.play(str(node["prompt"]))

    def on_played(self, run: FlowRun, node: Node) -> Instruction:
        """Go on to the next node."""
        return run.enter(str(node.get("next", "")))
