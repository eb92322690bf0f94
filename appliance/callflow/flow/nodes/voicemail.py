"""Let the caller leave a message in a mailbox (the call ends with the message)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction, LeaveMessage

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

BOX_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
BOX_ERROR = "'box' must be a mailbox name: letters, digits, - and _ (e.g. 1001, support)"


class VoicemailNode(NodeType):
    """Fields: ``box`` (a mailbox name: an agent's extension, a queue's name, ``general``)."""

    name = "voicemail"

    def validate(self, node: Node) -> list[str]:
        """Require a well-formed box name."""
        missing = required(node, "box")
        if missing:
            return missing
        return [] if BOX_NAME.match(str(node["box"])) else [BOX_ERROR]

    def targets(self, node: Node) -> list[str]:
        """Lead nowhere: the call ends when the message does."""
        return []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Ask the engine to record a message into the box."""
        return LeaveMessage(str(node["box"]))
