"""The screen pop: who is calling, what they called about before, and what they keyed in.

A caller is matched to a customer by the number they call from, in E.164 form
(`appliance.callflow.numbers.normalize`: "13800138000" and "+8613800138000" are one
caller), against each customer's number and other numbers; a customer an IVR
lookup found (the `customer` of the call's `queue.joined` event) comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.numbers import normalize
from appliance.store.models import CallEvent, Cdr, Customer

HISTORY_LIMIT = 20
CHINA = "+86"


@dataclass
class CallFacts:
    """What the events of one call say about its caller."""

    call_id: str
    number: str = ""  # the caller's number as it came in
    customer_hint: str = ""  # the customer number an IVR lookup found
    queue: str = ""
    path: list[dict[str, Any]] = field(default_factory=list)  # prompts heard, keys pressed
    notes: list[str] = field(default_factory=list)  # agents' notes (they follow transfers)


def call_facts(call_id: str) -> CallFacts:
    """Return the caller's number, the IVR's customer and the IVR path of a call."""
    facts = CallFacts(call_id)
    events = CallEvent.select().where(CallEvent.call_id == call_id).order_by(CallEvent.at)
    for event in events:
        data = event.data or {}
        if event.kind == "call.started":  # the other party: who called, or whom the agent dials
            other = "to" if data.get("direction") == "outbound" else "from"
            facts.number = str(data.get(other) or "")
        elif event.kind == "queue.joined":
            facts.queue = str(data.get("queue") or "")
            facts.customer_hint = str(data.get("customer") or facts.customer_hint)
        elif event.kind == "ivr.prompt":
            facts.path.append(
                {"kind": "prompt", "node": data.get("node"), "prompt": data["prompt"]}
            )
        elif event.kind == "call.note":
            facts.notes.append(str(data.get("text") or ""))
        elif event.kind == "dtmf":
            facts.path.append({"kind": "key", "node": data.get("node"), "digit": data.get("digit")})
    return facts


def numbers_of(customer: Customer) -> list[str]:
    """Return every number of a customer: the main one first."""
    others = [n.strip() for n in (customer.other_numbers or "").split(",") if n.strip()]
    return [customer.number, *others]


def find_customer(number: str, hint: str = "") -> Customer | None:
    """Return the customer the IVR found (hint) or whose numbers include number."""
    for wanted in (hint, number):
        if not wanted:
            continue
        key = normalize(wanted)
        for customer in Customer.select():
            if any(normalize(n) == key for n in numbers_of(customer)):
                return customer
    return None


def written_forms(number: str) -> set[str]:
    """Return the ways a number may be written in CDRs: as given, E.164, national."""
    e164 = normalize(number)
    forms = {number.strip(), e164, e164.lstrip("+")}
    if e164.startswith(CHINA):
        forms |= {e164[len(CHINA) :], "0" + e164[len(CHINA) :]}
    return {f for f in forms if f}


def history(numbers: list[str], limit: int = HISTORY_LIMIT) -> list[Cdr]:
    """Return the latest calls from or to any of the numbers, newest first."""
    forms: set[str] = set()
    for number in numbers:
        forms |= written_forms(number)
    if not forms:
        return []
    query = Cdr.select().where(Cdr.from_number.in_(forms) | Cdr.to_number.in_(forms))
    return list(query.order_by(Cdr.started_at.desc()).limit(limit))
