"""IP-peer trunks' reachability from SIP OPTIONS (pure: no pjsua2).

The engine sends each enabled IP-peer trunk an OPTIONS every
`engine.trunk_qualify_seconds` (the registering trunks have their REGISTER for that).
Any final answer — 200, or a carrier's 403/405 — means the far end is up. A trunk is
`unreachable` once it stops answering MISSES_TO_DOWN times in a row *after* it has
answered at least once: a carrier that never answers OPTIONS stays `unknown` and is
still tried, so a silent carrier is never shut out by this.  An unreachable trunk is
passed over by calls out (the route's next trunk is tried at once instead of after a
32 s INVITE timeout) until it answers again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MISSES_TO_DOWN = 2  # one lost UDP datagram is not an outage


class Reach(StrEnum):
    """Whether a trunk answers OPTIONS."""

    UNKNOWN = "unknown"
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Reachability:
    """A trunk's reachability: state, the last answer's code and round trip, since when."""

    state: Reach = Reach.UNKNOWN
    code: int = 0  # the last final answer's status (0: none yet)
    rtt_ms: int = 0  # its round trip
    misses: int = 0  # probes unanswered in a row
    changed_at: float = 0.0

    def probed(self, code: int | None, rtt_ms: int, now: float) -> Reachability:
        """Return the reachability after one probe (code None: no answer)."""
        if code is not None:
            changed = now if self.state != Reach.REACHABLE else self.changed_at
            return Reachability(Reach.REACHABLE, code, rtt_ms, 0, changed)
        misses = self.misses + 1
        down = self.state != Reach.UNKNOWN and misses >= MISSES_TO_DOWN
        state = Reach.UNREACHABLE if down else self.state
        changed = now if state != self.state else self.changed_at
        return dataclasses.replace(self, state=state, misses=misses, changed_at=changed)

    def is_news(self, before: Reachability) -> bool:
        """Return true if this is a change worth an event (a first answer counts)."""
        return self.state != before.state

    @property
    def event(self) -> str:
        """Return the event kind announcing this state."""
        return "trunk.reachable" if self.state == Reach.REACHABLE else "trunk.unreachable"

    @property
    def passed_over(self) -> bool:
        """Return true if calls out should skip the trunk now."""
        return self.state == Reach.UNREACHABLE

    def as_dict(self) -> dict[str, Any]:
        """Return the reachability as the control API lists it."""
        return {"state": str(self.state), "code": self.code, "rtt_ms": self.rtt_ms,
                "changed_at": self.changed_at}  # fmt: skip
