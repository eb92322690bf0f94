"""Decide a call out from an extension: allowed or not, the number sent, the trunks to try.

The order of checks (docs/outbound.md):

1. **Emergency** numbers always go out — on the first route that matches them, else as
   dialled on the first trunk of any route — whatever the class, hours or cap.
2. A number no route matches takes the fallback route (the engine's: the first enabled
   trunk, number as dialled) or, without one, is refused; so is a route without trunks.
3. The number sent is put in a class (`call_class.classify`); a class wider than the
   extension's, or a call outside its allowed hours, is refused.
4. With the box's cap on concurrent calls out reached, the call is refused.

A refusal happens before any INVITE leaves for a carrier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from appliance.callflow.call_class import (
    CallClass,
    ClassOfService,
    NumberingPlan,
    classify,
    is_emergency,
    refusal,
)
from appliance.callflow.dialplan import OutboundRoute, RouteChoice, choose


@dataclass(frozen=True)
class OutboundCall:
    """An allowed call out."""

    number: str  # as sent to the carrier
    route: str
    trunks: tuple[str, ...]
    caller_id: str
    call_class: CallClass
    max_seconds: int  # 0: no limit
    emergency: bool = False


@dataclass(frozen=True)
class Refused:
    """A call out that may not be made, with the SIP code the phone gets."""

    reason: str
    code: int = 403


@dataclass(frozen=True)
class Caller:
    """The extension calling out: its class of service and own caller ID."""

    extension: str
    service: ClassOfService
    caller_id: str = ""
    record: bool = False  # the recording policy: record this extension's calls out


def plan_call(
    dialled: str,
    caller: Caller,
    routes: list[OutboundRoute],
    numbering: NumberingPlan,
    open_now: Callable[[str], bool],
    calls_out: int = 0,
    cap: int = 0,
    fallback: OutboundRoute | None = None,
) -> OutboundCall | Refused:
    """Return the call out for a dialled number, or why it is refused."""
    choice = choose(dialled, routes)
    if choice is None and fallback is not None:
        choice = RouteChoice(fallback, dialled)
    if is_emergency(dialled, numbering) or (choice and is_emergency(choice.number, numbering)):
        return _emergency(dialled, choice, routes, caller)
    if choice is None:
        return Refused(f"no outbound route matches {dialled}", 404)
    if not choice.route.trunks:
        return Refused(f"route {choice.route.name!r} has no trunk", 503)
    number_class = classify(choice.number, numbering)
    hours = caller.service.hours
    why = refusal(number_class, caller.service, not hours or open_now(hours))
    if why:
        return Refused(why)
    if cap and calls_out >= cap:
        return Refused(f"{cap} calls out at once is the box's limit", 503)
    caller_id = caller.caller_id or choice.route.caller_id
    route, limit = choice.route, caller.service.max_call_seconds
    return OutboundCall(choice.number, route.name, route.trunks, caller_id, number_class, limit)


def _emergency(
    dialled: str, choice: RouteChoice | None, routes: list[OutboundRoute], caller: Caller
) -> OutboundCall | Refused:
    """Return an emergency call out: its matching route, else any route's trunks."""
    route: OutboundRoute | None = None
    if choice is not None and choice.route.trunks:
        route, number = choice.route, choice.number
    else:
        route = next((r for r in sorted(routes, key=lambda r: r.position) if r.trunks), None)
        number = dialled
    if route is None:
        return Refused("no trunk to place an emergency call on", 503)
    caller_id = caller.caller_id or route.caller_id
    return OutboundCall(number, route.name, route.trunks, caller_id, CallClass.LOCAL, 0, True)
