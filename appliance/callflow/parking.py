"""The park lot: which call waits in which slot, and for how long.

A phone parks the party it talks with (a transfer to `*700`); the party waits in the
lowest free slot (701 …) with music until someone dials the slot, or until the park
time is over: then the phone that parked it is rung back.  Pure: the engine keeps
one lot and asks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.callflow.features import PARK_SLOTS


@dataclass(frozen=True)
class Parked:
    """A call waiting in a slot: its call id, who parked it and when it is rung back."""

    slot: str
    call_id: str
    parker: str
    until: float


class ParkLot:
    """The slots and the calls parked in them."""

    def __init__(self, slots: tuple[str, ...] = PARK_SLOTS) -> None:
        self.slots = slots
        self._parked: dict[str, Parked] = {}  # slot -> call

    def park(self, call_id: str, parker: str, now: float, seconds: float) -> Parked | None:
        """Put a call in the lowest free slot; return it, or None if every slot is taken."""
        free = next((slot for slot in self.slots if slot not in self._parked), None)
        if free is None:
            return None
        self._parked[free] = Parked(free, call_id, parker, now + seconds)
        return self._parked[free]

    def take(self, slot: str) -> Parked | None:
        """Return the call parked in slot and free the slot (None if it is empty)."""
        return self._parked.pop(slot, None)

    def slot_of(self, call_id: str) -> str:
        """Return the slot a call waits in ("" if it is not parked)."""
        return next((p.slot for p in self._parked.values() if p.call_id == call_id), "")

    def due(self, now: float) -> list[Parked]:
        """Return (and free the slots of) the calls whose park time is over."""
        over = [p for p in self._parked.values() if p.until <= now]
        for parked in over:
            del self._parked[parked.slot]
        return over

    def listing(self) -> list[Parked]:
        """Return the parked calls by slot."""
        return [self._parked[slot] for slot in self.slots if slot in self._parked]
