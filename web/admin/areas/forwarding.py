"""Checks shared by the extension areas (agents, ring groups): forward loops, one number space."""

from __future__ import annotations

from typing import Any

from appliance.callflow.extensions import Forwarding, forward_loop
from appliance.store.models import Agent, RingGroup
from web.admin.schemas import FormResult
from web.i18n import _

AGENT_FORWARDS = ("forward_to", "forward_busy", "forward_no_answer")


def agent_forwarding(values: dict[str, Any]) -> Forwarding:
    """Return the forwarding of an agent row or an agent form's values."""
    always, busy, no_answer = (str(values.get(name) or "") for name in AGENT_FORWARDS)
    return Forwarding(always, busy, no_answer)


def forwards_except(
    agent: Agent | None = None, group: RingGroup | None = None
) -> dict[str, Forwarding]:
    """Return every extension's and group's forwards, leaving out the row being edited."""
    agents = Agent.select().where(Agent.id != (agent.id if agent is not None else 0))
    groups = RingGroup.select().where(RingGroup.id != (group.id if group is not None else 0))
    found = {a.extension: agent_forwarding(a.__data__) for a in agents}
    found.update({g.number: Forwarding(no_answer=g.no_answer) for g in groups})
    return found


def check_loop(result: FormResult, number: str, forwards: dict[str, Forwarding],
               fields: dict[str, str]) -> None:  # fmt: skip
    """Put an error on the field (of fields: name -> target) starting a loop from number."""
    loop = forward_loop(forwards, number)
    if loop is None:
        return
    field = next(name for name, target in fields.items() if target == loop[1])
    chain = " → ".join(loop)
    result.errors[field] = _("Forward loop: %(chain)s. Calls would go round.", chain=chain)


def number_taken(number: str, agent: Agent | None = None, group: RingGroup | None = None) -> bool:
    """Return true if another extension or ring group already has number."""
    agents = Agent.select().where(Agent.extension == number)
    groups = RingGroup.select().where(RingGroup.number == number)
    if agent is not None:
        agents = agents.where(Agent.id != agent.id)
    if group is not None:
        groups = groups.where(RingGroup.id != group.id)
    return agents.exists() or groups.exists()
