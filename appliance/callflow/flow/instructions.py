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


@dataclass(frozen=True)
class Hangup:
    """End the call; `reason` goes into the call's events."""

    reason: str = "ivr-hangup"


@dataclass(frozen=True)
class LeaveMessage:
    """Greet the caller with the box's greeting, then record a message into the box."""

    box: str


Instruction = Play | EnterQueue | Hangup | LeaveMessage
