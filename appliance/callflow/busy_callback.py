"""Callback on busy (遇忙回叫): ring me back when that extension is free.

A caller who found an extension busy asks (`*6<ext>`) to be called back.  The box
watches: once both the callee and the caller are free, it rings the caller first,
then the callee when the caller answers.  A request lasts `minutes` and is then
dropped; asking again for the same callee renews it.  Pure: the engine keeps one
list and asks it who can be connected now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BusyCallback:
    """A caller waiting for a callee to be free, until a time."""

    caller: str
    callee: str
    until: float


class BusyCallbacks:
    """The callbacks on busy asked for and not yet carried out."""

    def __init__(self) -> None:
        self._waiting: list[BusyCallback] = []

    def ask(self, caller: str, callee: str, now: float, seconds: float) -> BusyCallback:
        """Note a request (replacing the caller's earlier one for the same callee)."""
        self._waiting = [w for w in self._waiting if (w.caller, w.callee) != (caller, callee)]
        request = BusyCallback(caller, callee, now + seconds)
        self._waiting.append(request)
        return request

    def expired(self, now: float) -> list[BusyCallback]:
        """Return (and drop) the requests whose time is over."""
        over = [w for w in self._waiting if w.until <= now]
        self._waiting = [w for w in self._waiting if w.until > now]
        return over

    def ready(self, free: Callable[[str], bool]) -> BusyCallback | None:
        """Return (and drop) the oldest request whose caller and callee are both free."""
        for request in self._waiting:
            if free(request.callee) and free(request.caller):
                self._waiting.remove(request)
                return request
        return None

    def pending(self) -> list[BusyCallback]:
        """Return the requests waiting, oldest first."""
        return list(self._waiting)
