"""The names the board interface shares: port kinds, call states and event kinds."""

from __future__ import annotations

from enum import StrEnum


class PortKind(StrEnum):
    """What a port connects to."""

    FXO = "fxo"  # a line from the telephone company: the box is the phone
    FXS = "fxs"  # a phone plugged into the box: the box is the exchange
    GSM = "gsm"  # a mobile line through a GSM/LTE module


class CallState(StrEnum):
    """Where a port's call is."""

    IDLE = "idle"
    RINGING = "ringing"  # a call is coming in (or an FXS phone is being rung)
    DIALING = "dialing"  # a call going out, not yet answered
    ACTIVE = "active"  # answered: audio flows


class EventKind(StrEnum):
    """What a port reports to its listener."""

    RING = "ring"
    CALLER_ID = "caller_id"
    ANSWERED = "answered"
    HANGUP = "hangup"
    DTMF = "dtmf"
    POLARITY = "polarity"
    ALARM = "alarm"
    SIGNAL = "signal"
    SMS = "sms"
    OFFHOOK = "offhook"  # an FXS phone was lifted with no call ringing it: it wants to dial


class BoardState(StrEnum):
    """What the registry made of one configured board."""

    READY = "ready"
    INVALID = "invalid"  # its config is wrong
    UNAVAILABLE = "unavailable"  # its hardware or library is absent
    FAILED = "failed"  # it was there but did not start
