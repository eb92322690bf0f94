"""Find the caller's customer record and branch on it: data-directed routing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, required, whole_number
from appliance.callflow.flow.instructions import Instruction

if TYPE_CHECKING:
    from appliance.callflow.customers import Customer
    from appliance.callflow.flow.run import FlowRun

BY = ("caller", "account")


class LookupNode(NodeType):
    """Fields: ``by`` ("caller": the calling number, the default; "account": an account
    number keyed in), ``variable`` (where a collect node put the account; default
    "account"), ``found``, ``not_found``, ``vip`` (optional: taken instead of ``found``
    when the customer's VIP tier is at least ``vip_tier``, default 1).

    A found customer stays with the call: a queue node after it queues the caller
    as that customer (their VIP tier as priority, their owner agent first), and the
    variables ``customer_name``, ``vip``, ``owner``, ``region`` are set.
    """

    name = "lookup"

    def validate(self, node: Node) -> list[str]:
        """Check the key, the branches and the VIP tier."""
        errors = required(node, "found", "not_found") + whole_number(node, "vip_tier", low=1)
        if node.get("by", "caller") not in BY:
            errors.append(f"'by' must be one of {', '.join(BY)}")
        return errors

    def targets(self, node: Node) -> list[str]:
        """Return the found, not found and VIP branches."""
        return [str(node[key]) for key in ("found", "not_found", "vip") if node.get(key)]

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Look the caller up and take the matching branch."""
        customer = _find(run, node)
        if customer is None:
            return run.enter(str(node["not_found"]))
        run.customer = customer
        run.variables.update(
            customer_name=customer.name,
            vip=str(customer.vip),
            owner=customer.owner,
            region=customer.region,
        )
        if node.get("vip") and customer.vip >= int(node.get("vip_tier", 1)):
            return run.enter(str(node["vip"]))
        return run.enter(str(node["found"]))


def _find(run: FlowRun, node: Node) -> Customer | None:
    """Return the customer the node's key names, if any."""
    if node.get("by", "caller") == "account":
        return run.customers.by_account(run.variables.get(str(node.get("variable", "account")), ""))
    return run.customers.customer(run.caller)
