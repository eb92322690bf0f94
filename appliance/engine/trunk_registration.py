"""A registering trunk's state as the carrier last answered it (pure: no pjsua2).

The engine keeps one `Registration` per enabled `register` trunk, fed from pjsua2's
`onRegState`: `registered` (the carrier's last answer was 2xx with an expiry),
`failing` (its last answer was an error, or none came: code and reason kept),
`unregistered` (not yet tried, or removed with expiry 0).  Only a change of state
(or of the failure's code) is news: a refresh that succeeds again is not an event.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from appliance.engine.trunk_reachability import Reachability


class RegState(StrEnum):
    """Where a trunk's registration stands."""

    UNREGISTERED = "unregistered"
    REGISTERED = "registered"
    FAILING = "failing"


@dataclass(frozen=True)
class Registration:
    """A trunk's registration: state, the carrier's last code and reason, expiry, since when."""

    state: RegState = RegState.UNREGISTERED
    code: int = 0
    reason: str = ""
    expires: int = 0  # seconds the carrier granted at the last success (0: none)
    changed_at: float = 0.0  # when the state (or the failure's code) last changed

    def answered(self, code: int, reason: str, expiration: int, now: float) -> Registration:
        """Return the registration after the carrier's answer (code 0: no answer at all)."""
        if 200 <= code < 300:
            state = RegState.REGISTERED if expiration > 0 else RegState.UNREGISTERED
        else:
            state = RegState.FAILING
        expires = expiration if state == RegState.REGISTERED else 0
        same = state == self.state and (state != RegState.FAILING or code == self.code)
        changed_at = self.changed_at if same else now
        return Registration(state, code, reason, expires, changed_at)

    def is_news(self, before: Registration) -> bool:
        """Return true if this registration is worth an event after before."""
        return self.changed_at != before.changed_at and self.state != RegState.UNREGISTERED

    @property
    def event(self) -> str:
        """Return the event kind announcing this state."""
        if self.state == RegState.REGISTERED:
            return "trunk.registered"
        return "trunk.registration_failed"

    def as_dict(self) -> dict[str, Any]:
        """Return the registration as the control API lists it."""
        return {**dataclasses.asdict(self), "state": str(self.state)}


def takes_calls_out(
    kind: str, registration: Registration | None, reachability: Reachability | None = None
) -> bool:
    """Return true if calls out may be tried on a trunk of kind with this registration.

    An IP peer is tried unless it stopped answering OPTIONS (trunk_reachability.py); a
    registering trunk only while registered: a carrier that refused our REGISTER will
    refuse our INVITE too, so trying it only delays the call's failover.
    """
    if kind != "register":
        return reachability is None or not reachability.passed_over
    return registration is not None and registration.state == RegState.REGISTERED
