"""Customer records as agents edit them from the screen pop (new, change, save)."""

from __future__ import annotations

import contextlib
from typing import Any

from appliance.callflow.numbers import normalize
from appliance.engine.control import ControlError
from appliance.store.models import Agent, Customer
from web.agent import schemas
from web.agent.screenpop import numbers_of
from web.exceptions import WebError
from web.i18n import lazy_gettext as _l
from web.operations import services as operations


def agent_extensions() -> set[str]:
    """Return every agent's extension (a customer's owner is one of them)."""
    return {a.extension for a in Agent.select(Agent.extension)}


def form_values(customer: Customer | None, number: str = "") -> dict[str, Any]:
    """Return the form's values for a customer (a new one: with the caller's number)."""
    if customer is None:
        return {**dict.fromkeys(schemas.CUSTOMER_FIELDS, ""), "number": number, "vip": "0"}
    values = {name: getattr(customer, name) for name in schemas.CUSTOMER_FIELDS if name != "owner"}
    values["owner"] = customer.owner.extension if customer.owner else ""
    return values


def save(customer: Customer | None, form: Any) -> tuple[Customer | None, dict[str, Any], Any]:
    """Create or change a customer from a form; return (customer, values, errors)."""
    values, errors = schemas.check_customer(form, agent_extensions())
    if not errors and _taken(values["number"], customer):
        errors["number"] = _l("Another customer has this number.")
    if errors:
        return None, values, errors
    fields = {**values, "vip": int(values["vip"])}
    fields["owner"] = Agent.get(Agent.extension == values["owner"]) if values["owner"] else None
    if customer is None:
        customer = Customer.create(**fields)
    else:
        Customer.update(**fields).where(Customer.id == customer.id).execute()
        customer = Customer.get_by_id(customer.id)
    _tell_engine()
    return customer, values, {}


def _taken(number: str, customer: Customer | None) -> bool:
    """Return true if another customer has number among theirs."""
    key = normalize(number)
    others = Customer.select()
    if customer is not None:
        others = others.where(Customer.id != customer.id)
    return any(normalize(n) == key for other in others for n in numbers_of(other))


def _tell_engine() -> None:
    """Have the engine re-read the customers (VIP tier and owner route calls); best effort."""
    with contextlib.suppress(WebError, ControlError, OSError):  # it reads them when it starts
        operations.run("reload")
