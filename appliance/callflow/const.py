"""Names shared by the call-flow domain and its adapters."""

from __future__ import annotations

from enum import StrEnum


class AgentState(StrEnum):
    """What an agent is doing, as supervisors see it."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    DND = "dnd"  # do not disturb: logged in, takes no queue or direct calls


class MonitorMode(StrEnum):
    """How a supervisor joins an agent's call."""

    LISTEN = "listen"  # hears both sides, nobody hears them
    WHISPER = "whisper"  # hears both sides, only the agent hears them
    BARGE = "barge"  # a third voice in the call: everyone hears everyone


class Outcome(StrEnum):
    """How a call ended, as reports count it."""

    ANSWERED = "answered"  # an agent answered
    ABANDONED = "abandoned"  # the caller hung up before an agent answered
    INTERRUPTED = "interrupted"  # the engine stopped (crash, power) during the call
    FAILED = "failed"  # the box ended it without an agent: no agents, max wait, unknown number
    VOICEMAIL = "voicemail"  # the caller left a message (exit key or overflow)
    CALLBACK = "callback"  # the caller asked to be called back and hung up, place kept
    FORWARDED = "forwarded"  # sent on to an external number that answered


class Weekday(StrEnum):
    """A day of the week as schedules name it, in `datetime.weekday()` order."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"
