"""Branch on business hours: open, closed, or a holiday."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction
from appliance.callflow.hours import is_holiday, is_open

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class TimeConditionNode(NodeType):
    """Fields: ``schedule`` (a business-hours schedule's name), ``open``, ``closed``,
    ``holiday`` (optional: taken instead of ``closed`` on a holiday, e.g. a festive
    greeting).

    The moment judged is when the call entered the flow, on the schedule's own clock
    (holidays and 调休 workdays included, docs/business-hours.md).  A schedule deleted
    after the flow was published counts as open, so callers still reach the people
    who would serve them; `flow.publish` refuses a schedule that does not exist.
    """

    name = "time_condition"

    def validate(self, node: Node) -> list[str]:
        """Require a schedule and both branches."""
        return required(node, "schedule", "open", "closed")

    def targets(self, node: Node) -> list[str]:
        """Return the open, closed and holiday branches."""
        return [str(node[key]) for key in ("open", "closed", "holiday") if node.get(key)]

    def schedules(self, node: Node) -> list[str]:
        """Return the schedule."""
        return [str(node["schedule"])] if node.get("schedule") else []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Take the branch for the moment the call came in."""
        schedule = run.schedules.get(str(node["schedule"]))
        if schedule is None or is_open(schedule, run.started_at):
            return run.enter(str(node["open"]))
        if node.get("holiday") and is_holiday(schedule, run.started_at):
            return run.enter(str(node["holiday"]))
        return run.enter(str(node["closed"]))
