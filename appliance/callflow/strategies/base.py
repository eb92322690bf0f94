"""The contract every routing strategy keeps."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    skills: Mapping[str, int] = field(default_factory=dict, hash=False)  # skill -> level


@dataclass(frozen=True)
class Caller:
    """The waiting caller a decision is for."""

    call_id: str
    number: str = ""
    joined_at: float = 0.0
    priority: int = 0
    vip: int = 0  # the customer's VIP tier (0: none)
    owner: str = ""  # the extension of the customer's owner agent ("" none)
    last_agent: str = ""  # who answered this number last, within the queue's sticky days
    skills: Mapping[str, int] = field(default_factory=dict, hash=False)  # the queue requires


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
    - A strategy that prefers one agent for a caller (the customer's owner, the agent
      who served them last) names them in `preferred`.  While that agent is busy
      (ringing, on a call, in wrap-up) and the caller has waited less than the
      queue's `preferred_wait_seconds`, the ACD keeps the caller for them and does
      not call `choose`; after that `choose` falls back on whoever is free.
    - Candidates have already met the queue's skill requirements (widened as the
      caller waits); `caller.skills` is what the queue requires, for strategies
      that weigh skill levels.
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

    def preferred(self, caller: Caller) -> str:
        """Return the extension this strategy would keep caller for ("" none)."""
        return ""


class PreferredAgent(Strategy):
    """Ring the one agent `preferred` names for the caller when free, else the longest idle.

    Subclasses define `preferred` (the customer's owner, the last agent...).  The ACD
    keeps a caller for a busy preferred agent up to the queue's `preferred_wait_seconds`.
    """

    def choose(self, candidates: list[Candidate], caller: Caller, now: float) -> list[Candidate]:
        """Return the preferred agent if free, else the agent free longest."""
        wanted = self.preferred(caller)
        chosen = [c for c in candidates if wanted and c.extension == wanted]
        return chosen[:1] or [longest_idle(candidates)]


def lowest_penalty(candidates: list[Candidate]) -> list[Candidate]:
    """Return the candidates with the lowest penalty, in their given order."""
    best = min(c.penalty for c in candidates)
    return [c for c in candidates if c.penalty == best]


def longest_idle(candidates: list[Candidate]) -> Candidate:
    """Return the lowest-penalty candidate free longest (then first in member order)."""
    return min(candidates, key=lambda c: (c.penalty, c.idle_since, c.order))


def get(name: str, rng: random.Random | None = None) -> Strategy:
    """Return a new strategy object by name, or raise KeyError naming the known ones."""
    try:
        return STRATEGIES[name](rng)
    except KeyError:
        known = ", ".join(sorted(STRATEGIES))
        raise KeyError(f"unknown strategy {name!r} (known: {known})") from None
