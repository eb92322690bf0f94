"""Switch the language the rest of the call's prompts are played in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction
from appliance.prompts.catalog import VOICES

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class SetLanguageNode(NodeType):
    """Fields: ``language`` (a prompt language: en, zh), ``next``."""

    name = "set_language"

    def validate(self, node: Node) -> list[str]:
        """Require a known language and a next node."""
        errors = required(node, "language", "next")
        if node.get("language") and node["language"] not in VOICES:
            errors.append(f"language must be one of {', '.join(sorted(VOICES))}")
        return errors

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Set the run's language and enter the next node."""
        run.language_override = str(node["language"])
        return run.enter(str(node["next"]))
