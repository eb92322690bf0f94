"""The contract every routing strategy keeps."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

STRATEGIES: dict[str, type[Strategy]] = {}


@dataclass(frozen=True)
class Candidate:
    """An agent who could take the call now, with what strategies may weigh."""

    extension: str
    idle_since: float = 0.0  # when the agent last became free (UNIX time)
    penalty: int = 0  # the agent's penalty in this queue: lower is preferred
    calls_taken: int = 0  # calls answered since the engine started
    talk_seconds: float = 0.0  # talk time since the engine started
    order: int = 0  # position in the queue's member list (0 first)


@dataclass(frozen=True)
class Caller:
    """The waiting caller a decision is for."""

    call_id: str
    number: str = ""
    joined_at: float = 0.0
    priority: int = 0


class Strategy(ABC):
    """Pick the agents to ring for a waiting caller.

    Contract:
    - `choose` gets the queue's available agents (registered, ready, not ringing, on a
      call or in wrap-up), never empty, in member order, and returns a non-empty list
      of them: the one agent to ring, or several to ring at once (ring-all).  The
      first to answer takes the call; the others stop ringing.
    - It is a pure function of its arguments and the strategy's own state, so it is
      testable without a phone; randomness comes from `self.rng` (seedable).
    - `answered` tells stateful strategies (round-robin memory) who took a call.
    - A subclass sets a unique `name`, which is what `Queue.strategy` in the store
      holds; defining the subclass registers it.  One module per strategy in this
      package; they are all imported by the package.
    - One object serves one queue and lives as long as the queue keeps its strategy.
    - A strategy that rings several agents sets `rings_many`: agents who become free
      while its caller is ringing are offered to it too (they join the ringing).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # what the admin UI calls it
    rings_many: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            STRATEGIES[cls.name] = cls

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()

    @abstractmethod
    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the agents to ring now."""

    def answered(self, extension: str) -> None:  # noqa: B027  (optional hook)
        """Note that extension took a call (default: nothing to remember)."""


def lowest_penalty(candidates: list[Candidate]) -> list[Candidate]:
    """Return the candidates with the lowest penalty, in their given order."""
    best = min(c.penalty for c in candidates)
    return [c for c in candidates if c.penalty == best]


def get(name: str, rng: random.Random | None = None) -> Strategy:
    """Return a new strategy object by name, or raise KeyError naming the known ones."""
    try:
        return STRATEGIES[name](rng)
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise KeyError(f"unknown strategy {name!r} (known: {known})") from None
