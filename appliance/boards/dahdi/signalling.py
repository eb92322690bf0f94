"""What a DAHDI event means on an FXO or FXS port: pure, no I/O.

`interpret` takes the port's kind and call state and one DAHDI_GETEVENT code, and
returns the new state and the port events to emit, as (kind, data) pairs.
"""

from __future__ import annotations

from typing import Any

from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.dahdi import ioctls

Events = list[tuple[EventKind, dict[str, Any]]]
DIGIT_BITS = ioctls.EVENT_PULSEDIGIT | ioctls.EVENT_DTMFDOWN | ioctls.EVENT_DTMFUP


def interpret(
    kind: PortKind, state: CallState, code: int, answer_on_polarity: bool
) -> tuple[CallState, Events]:
    """Return (new state, events) for one event code on a port."""
    if code & ioctls.EVENT_DTMFUP or code & ioctls.EVENT_PULSEDIGIT:
        return state, [(EventKind.DTMF, {"digit": chr(code & ~DIGIT_BITS)})]
    if code & ioctls.EVENT_DTMFDOWN:
        return state, []  # the digit is reported once, when the key comes up
    if code in (ioctls.EVENT_ALARM, ioctls.EVENT_NOALARM):
        on = code == ioctls.EVENT_ALARM
        return state, [(EventKind.ALARM, {"alarm": "channel", "on": on})]
    if code == ioctls.EVENT_REMOVED:
        events: Events = [(EventKind.ALARM, {"alarm": "removed", "on": True})]
        return CallState.IDLE, events + _hangup(state, "failed")
    if kind is PortKind.FXS:
        return _fxs(state, code)
    return _fxo(state, code, answer_on_polarity)


def _fxo(state: CallState, code: int, answer_on_polarity: bool) -> tuple[CallState, Events]:
    """An exchange line: rings in, answers by polarity reversal, drops loop current."""
    # Each ring arrives as RINGOFFHOOK once debounced (RINGBEGIN, from the cards that send
    # it, only marks its start: it is not counted, or every ring would be two).
    if code == ioctls.EVENT_RINGOFFHOOK and state in (CallState.IDLE, CallState.RINGING):
        return CallState.RINGING, [(EventKind.RING, {})]
    if code == ioctls.EVENT_POLARITY:
        events: Events = [(EventKind.POLARITY, {})]
        if state is CallState.DIALING and answer_on_polarity:
            return CallState.ACTIVE, [*events, (EventKind.ANSWERED, {})]
        return state, events
    if code == ioctls.EVENT_ONHOOK:  # loop current lost: the far end is gone
        return CallState.IDLE, _hangup(state, "normal")
    return state, []


def _fxs(state: CallState, code: int) -> tuple[CallState, Events]:
    """A phone on the port: lifted, put down."""
    if code == ioctls.EVENT_RINGOFFHOOK:
        if state is CallState.RINGING:
            return CallState.ACTIVE, [(EventKind.ANSWERED, {})]
        if state is CallState.IDLE:
            return CallState.DIALING, [(EventKind.OFFHOOK, {})]
    if code == ioctls.EVENT_ONHOOK:
        return CallState.IDLE, _hangup(state, "normal")
    return state, []


def _hangup(state: CallState, cause: str) -> Events:
    """Return a hangup event unless the port was idle."""
    return [] if state is CallState.IDLE else [(EventKind.HANGUP, {"cause": cause})]
