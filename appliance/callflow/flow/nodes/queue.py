"""Put the caller in a queue, with a priority and the skills they need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required, whole_number
from appliance.callflow.flow.instructions import EnterQueue, FlowError, Instruction

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

SKILLS_ERROR = "skills must map skill names to levels"


class QueueNode(NodeType):
    """Fields: ``queue``, ``priority`` (default 0: higher is served first), ``skills``,
    ``survey`` (optional: a survey node the caller is taken to when the agent hangs up
    first; docs/surveys.md).

    A customer found by a lookup node earlier joins as that customer: their VIP tier
    raises the priority, their owner agent is preferred.
    """

    name = "queue"

    def validate(self, node: Node) -> list[str]:
        """Require a queue; check priority and skills."""
        errors = required(node, "queue") + whole_number(node, "priority", low=-1000)
        return errors + ([] if _skills_ok(node.get("skills")) else [SKILLS_ERROR])

    def targets(self, node: Node) -> list[str]:
        """Lead to the survey node if any (the queue's overflow may come back by its own rule)."""
        return [str(node["survey"])] if node.get("survey") else []

    def target_types(self, node: Node) -> dict[str, str]:
        """Require the survey target to be a survey node."""
        return {str(node["survey"]): "survey"} if node.get("survey") else {}

    def queues(self, node: Node) -> list[str]:
        """Return the queue."""
        return [str(node["queue"])] if node.get("queue") else []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Queue the caller."""
        skills = node.get("skills") or {}
        if not _skills_ok(skills):
            raise FlowError(f"node '{run.node_id}': {SKILLS_ERROR}")
        run.survey = str(node.get("survey") or "")
        customer = run.customer.number if run.customer else ""
        return EnterQueue(node["queue"], int(node.get("priority", 0)), dict(skills), customer)


def _skills_ok(skills: object) -> bool:
    """Return true if skills is absent or maps names to whole-number levels."""
    if not skills:
        return True
    return isinstance(skills, dict) and all(
        isinstance(level, int) and not isinstance(level, bool) for level in skills.values()
    )
