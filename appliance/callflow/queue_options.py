"""A queue's caller-facing behaviour: announcements, exit key, join and stay rules, callbacks.

Kept apart from `QueueConfig` (routing) so the two grow without touching each other;
`QueueConfig.behaviour` holds one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Presence(StrEnum):
    """Who must be there for a caller to join a queue (`join_when`) or stay (`stay_when`).

    Like app_queue's joinempty / leaveempty, as one level each.
    """

    ALWAYS = "always"  # no condition
    STAFFED = "staffed"  # a member is logged in (ready, paused, busy or ringing)
    READY = "ready"  # a member is logged in and not paused (busy counts)
    AVAILABLE = "available"  # a member is free to be rung right now


@dataclass(frozen=True)
class QueueBehaviour:
    """What a waiting caller hears and may do, for one queue."""

    announce_seconds: int = 0  # position and expected wait: on joining and this often; 0: off
    periodic_seconds: int = 0  # the periodic prompt this often; 0: off
    periodic_prompt: str = "queue-periodic"
    exit_key: str = ""  # a DTMF key that takes the caller out of the queue ("" : none)
    exit_target: str = ""  # where it leads: callback, voicemail[:box], ivr:, queue:, external:
    join_when: Presence = Presence.STAFFED
    stay_when: Presence = Presence.ALWAYS
    callback_attempts: int = 3  # calls to the customer before the callback fails
    callback_retry_seconds: int = 60  # between those calls
