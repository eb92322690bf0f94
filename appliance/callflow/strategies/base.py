"""The contract every routing strategy keeps."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

STRATEGIES: dict[str, type[Strategy]] = {}


@dataclass(frozen=True)
class Candidate:
    """An agent who could take the call now."""

    extension: str
    idle_since: float  # when the agent last became free (UNIX time)
    penalty: int = 0
    calls_taken: int = 0


class Strategy(ABC):
    """Pick one agent for a waiting caller.

    Contract: `choose` gets the queue's available agents (registered, ready, not
    ringing or on a call, not in wrap-up), never empty, and returns one of them.
    It must be a pure function of its arguments and the strategy's own state, so
    it is testable without a phone; `answered` tells stateful strategies
    (round-robin memory) who took the call.  Subclasses set a unique `name`, which
    is what `Queue.strategy` in the store holds.
    """

    name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            STRATEGIES[cls.name] = cls

    @abstractmethod
    def choose(self, candidates: list[Candidate], now: float) -> Candidate:
        """Return the agent to ring."""

    def answered(self, extension: str) -> None:  # noqa: B027  (optional hook)
        """Note that extension took a call (default: nothing to remember)."""


def get(name: str) -> Strategy:
    """Return a new strategy object by name, or raise KeyError naming the known ones."""
    try:
        return STRATEGIES[name]()
    except KeyError:
        raise KeyError(
            f"unknown strategy {name!r} (known: {', '.join(sorted(STRATEGIES))})"
        ) from None
