"""Send the caller out of the flow: to an extension, a queue or an outside number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, positive_seconds, required
from appliance.callflow.flow.instructions import EnterQueue, Instruction, Transfer
from appliance.callflow.targets import DIALLABLE

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

KINDS = ("extension", "queue", "external")


class TransferNode(NodeType):
    """Fields: ``to`` (extension, queue or external), ``target`` (the extension, queue
    name or number), ``ring_seconds`` (30; extension and external), ``failed``
    (optional: where the caller goes when nobody answers or the number is busy;
    default the call ends).

    A transfer to a queue is the same as a queue node (the caller keeps a customer a
    lookup found).  Extensions ring the agent's phone as a direct call would (their
    forwarding included); outside numbers go out through the box's trunk.
    """

    name = "transfer"

    def validate(self, node: Node) -> list[str]:
        """Check the kind, target and ring time."""
        errors = required(node, "to", "target") + positive_seconds(node, "ring_seconds")
        kind, target = node.get("to"), str(node.get("target") or "")
        if kind and kind not in KINDS:
            errors.append(f"'to' must be one of {', '.join(KINDS)}")
        elif kind == "external" and target and not DIALLABLE.match(target):
            errors.append(f"{target!r} is not a phone number")
        return errors

    def targets(self, node: Node) -> list[str]:
        """Return the failed branch, if any."""
        return [str(node["failed"])] if node.get("failed") else []

    def queues(self, node: Node) -> list[str]:
        """Return the queue a queue transfer sends to."""
        return [str(node["target"])] if node.get("to") == "queue" and node.get("target") else []

    def extensions(self, node: Node) -> list[str]:
        """Return the extension an extension transfer rings."""
        wanted = node.get("to") == "extension" and node.get("target")
        return [str(node["target"])] if wanted else []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Return the transfer (a queue transfer is an entry into the queue)."""
        target = str(node["target"])
        if node["to"] == "queue":
            customer = run.customer.number if run.customer else ""
            return EnterQueue(target, customer=customer)
        return Transfer(str(node["to"]), target, float(node.get("ring_seconds", 30)))
