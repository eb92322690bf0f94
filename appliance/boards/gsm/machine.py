"""The GSM line's call state machine: pure, no I/O — what each happening means.

Each method takes what the module said (already parsed) and returns the port events it
causes, as (kind, data) pairs, moving `state` along: idle → ringing → active → idle for
a call in; idle → dialing → active → idle for a call out.
"""

from __future__ import annotations

from typing import Any

from appliance.boards.const import CallState, EventKind

Events = list[tuple[EventKind, dict[str, Any]]]
# +CLCC / ^DSCI <stat>: 0 active, 1 held, 2 dialing, 3 alerting, 4 incoming, 5 waiting,
# 6 disconnected (3GPP TS 27.007 §7.18).
STAT_ACTIVE, STAT_INCOMING, STAT_ENDED = 0, 4, 6


class CallMachine:
    """Where the line's one call is."""

    def __init__(self) -> None:
        """Start idle."""
        self.state = CallState.IDLE
        self.caller = ""

    def ring(self) -> Events:
        """A RING: the first starts the incoming call; each one is reported."""
        if self.state not in (CallState.IDLE, CallState.RINGING):
            return []
        self.state = CallState.RINGING
        return [(EventKind.RING, {})]

    def caller_id(self, number: str, name: str) -> Events:
        """A +CLIP: report the caller once per call."""
        if self.state is not CallState.RINGING or self.caller:
            return []
        self.caller = number
        return [(EventKind.CALLER_ID, {"number": number, "name": name})]

    def dialing(self) -> Events:
        """The module accepted ATD: the call is going out."""
        self.state = CallState.DIALING
        return []

    def answered(self) -> Events:
        """The call was answered (by us with ATA, or by the far end)."""
        if self.state not in (CallState.RINGING, CallState.DIALING):
            return []
        self.state = CallState.ACTIVE
        return [(EventKind.ANSWERED, {})]

    def ended(self, cause: str) -> Events:
        """The call ended for cause (normal, busy, no_answer, failed)."""
        if self.state is CallState.IDLE:
            return []
        self.state = CallState.IDLE
        self.caller = ""
        return [(EventKind.HANGUP, {"cause": cause})]

    def dtmf(self, digit: str) -> Events:
        """A key the far end pressed: reported during a call only."""
        if self.state is not CallState.ACTIVE:
            return []
        return [(EventKind.DTMF, {"digit": digit})]

    def status(self, stat: int) -> Events:
        """A +CLCC / ^DSCI call state."""
        if stat == STAT_ACTIVE:
            return self.answered()
        if stat == STAT_INCOMING and self.state is CallState.IDLE:
            self.state = CallState.RINGING  # the RING line that follows is the ring event
            return []
        if stat == STAT_ENDED:
            return self.ended("normal")
        return []
