"""What a flow asks the engine to do next, and the error a malformed flow raises."""

from __future__ import annotations

from dataclasses import dataclass, field


class FlowError(Exception):
    """The flow graph is malformed (the message names the node)."""


@dataclass(frozen=True)
class Play:
    """Play a prompt; digits may cut it short; then wait `wait` s for a digit (None: don't)."""

    prompt: str
    language: str
    interruptible: bool = False
    wait: float | None = None


@dataclass(frozen=True)
class EnterQueue:
    """Put the caller in a queue; a higher priority is served before earlier callers."""

    queue: str
    priority: int = 0
    skills: dict[str, int] = field(default_factory=dict)  # what this caller needs, e.g. a language
    customer: str = ""  # the number of the customer record a lookup found ("" the caller's own)


@dataclass(frozen=True)
class Wait:
    """Play nothing; wait `seconds` for a digit (e.g. between the digits of an entry)."""

    seconds: float


@dataclass(frozen=True)
class Transfer:
    """Send the caller out of the flow: `kind` is extension, queue or external."""

    kind: str
    target: str
    ring_seconds: float = 30.0  # an extension or outside number that does not answer by then


@dataclass(frozen=True)
class OfferCallback:
    """Offer the caller a call back from `queue` instead of waiting (they may still wait)."""

    queue: str


@dataclass(frozen=True)
class Hangup:
    """End the call; `reason` goes into the call's events."""

    reason: str = "ivr-hangup"


@dataclass(frozen=True)
class Record:
    """Record the caller (a survey's voice comment) for node `node`.

    The engine ends the recording at the `terminator` key, after `silence` s with
    nothing heard, or at `max_seconds`, keeps the file with the node's result and
    then asks the flow what follows (`FlowRun.on_recorded`).
    """

    node: str
    max_seconds: float
    silence: float
    terminator: str = "#"


@dataclass(frozen=True)
class LeaveMessage:
    """Greet the caller with the box's greeting, then record a message into the box."""

    box: str


Instruction = Play | Wait | EnterQueue | Transfer | OfferCallback | Record | LeaveMessage | Hangup
