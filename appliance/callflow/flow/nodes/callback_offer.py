"""Offer a call back from a queue instead of waiting in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required
from appliance.callflow.flow.instructions import Instruction, OfferCallback

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun


class CallbackOfferNode(NodeType):
    """Fields: ``queue``.

    The caller joins the queue and, when nobody is free to take them at once, hears
    the callback offer straight away (docs/queues: "press 1 to be called back at this
    number, 2 to enter another"); a confirmed number keeps the caller's place and the
    call ends, a declined offer leaves them waiting in line as usual.  A caller an
    agent can take at once is rung without an offer.
    """

    name = "callback_offer"

    def validate(self, node: Node) -> list[str]:
        """Require a queue."""
        return required(node, "queue")

    def targets(self, node: Node) -> list[str]:
        """Lead nowhere in the flow: the queue takes over."""
        return []

    def queues(self, node: Node) -> list[str]:
        """Return the queue."""
        return [str(node["queue"])] if node.get("queue") else []

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Queue the caller with the offer."""
        return OfferCallback(str(node["queue"]))
