"""Ring groups: one number that rings several extensions, all at once or one after another.

A group is reached like an extension (a phone dials its number) or from an inbound
number (`target_type` `group`).  Members who cannot take a call now (not
registered, in a call, DND, the caller themself) are skipped; members' own
forwarding does not apply inside a group.  When nobody answers, the group's
no-answer target takes the call (an extension or an outside number), else 480.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SIMULTANEOUS = "simultaneous"  # 同振: every member at once
IN_ORDER = "in_order"  # 顺振: the first member, then the next when they do not answer
STRATEGIES = (SIMULTANEOUS, IN_ORDER)


@dataclass(frozen=True)
class RingGroup:
    """A ring group as the engine uses it."""

    number: str
    name: str = ""
    strategy: str = SIMULTANEOUS
    members: tuple[str, ...] = ()  # extensions, in order
    ring_seconds: int = 20  # each member in order, or everyone at once
    no_answer: str = ""  # where the call goes when nobody answered ("": 480)


def waves(group: RingGroup) -> list[list[str]]:
    """Return who is rung, wave after wave (each member once)."""
    members = list(dict.fromkeys(group.members))
    if not members:
        return []
    if group.strategy == IN_ORDER:
        return [[member] for member in members]
    return [members]


def next_wave(left: list[list[str]], can_ring: Callable[[str], bool]) -> list[str]:
    """Take and return the next wave with someone to ring now (skipping who cannot be)."""
    while left:
        wave = [member for member in left.pop(0) if can_ring(member)]
        if wave:
            return wave
    return []
