"""A campaign on a simulated clock: pacing tests and bench/dialer.py run the real `next_calls`.

Each simulated second: dials whose outcome is due end (answered calls go to a ready
agent or are dropped), agents finishing a call become ready, and `next_calls` is
asked for new dials.  Customers answer with a probability that may change by the
hour, after a few seconds' ringing; the rest are busy, fail or ring out.  Handling
times (talk and wrap-up) are exponential around a mean.  Seeded, so a run repeats.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from appliance.dialer.campaign import Campaign, CampaignState, Contact
from appliance.dialer.const import Outcome
from appliance.dialer.dnc import DncLists
from appliance.dialer.selection import next_calls
from appliance.dialer.stats import DropCount, PacingStats

PAGE = 64  # candidates offered per tick, as the store would page them


@dataclass(frozen=True)
class Customers:
    """How the called people behave."""

    answer_rate: Callable[[float], float]  # by seconds since the start
    busy_rate: float = 0.08
    failed_rate: float = 0.04
    ring_out_seconds: float = 25.0  # a no-answer ends after this
    answer_after: tuple[float, float] = (3.0, 15.0)  # seconds of ringing before an answer
    handle_seconds: float = 110.0  # mean talk + wrap-up


@dataclass
class Outcomes:
    """What a simulated run measured."""

    seconds: float
    agents: int
    busy_seconds: float = 0.0
    dials: int = 0
    answered: int = 0
    dropped: int = 0
    connected: int = 0
    most_in_flight: int = 0
    most_dials_over_ready: int = -1_000_000  # max over ticks of new dials − ready agents
    drop_rate_by_hour: list[float] = field(default_factory=list)
    by_day: dict[date, DropCount] = field(default_factory=dict)  # on the campaign's clock

    @property
    def utilisation(self) -> float:
        """Return the share of agents' logged-in time spent on calls."""
        return self.busy_seconds / (self.seconds * self.agents)

    @property
    def drop_rate(self) -> float:
        """Return dropped calls as a share of answered ones."""
        return self.dropped / self.answered if self.answered else 0.0


@dataclass
class _Run:
    """The moving parts of one simulated run."""

    campaign: Campaign
    customers: Customers
    rng: random.Random
    stats: PacingStats
    dnc: DncLists
    ready: list[str]
    result: Outcomes
    start: float
    events: list[tuple[float, int, str, str, float, int]] = field(default_factory=list)
    in_flight: dict[int, str] = field(default_factory=dict)  # contact id -> its number
    next_contact: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    queue: list[Contact] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)


def simulate(
    campaign: Campaign,
    customers: Customers,
    agents: int,
    start: float,
    seconds: int,
    seed: int = 1,
    dnc: DncLists | None = None,
    on_tick: Callable[[float, list[int]], None] | None = None,
) -> Outcomes:
    """Run a campaign for `seconds` from `start` with `agents` agents; return the figures.

    `on_tick(now, contact_ids)` is told the contacts dialled at each tick (tests check
    windows and DNC with it).  Contacts are numbered +86138… in order, never run out.
    """
    run = _Run(
        campaign, customers, random.Random(seed), PacingStats(zone=campaign.default_zone),
        dnc or DncLists(), [f"agent{n}" for n in range(agents)], Outcomes(seconds, agents), start,
    )  # fmt: skip
    hour = DropWatch()
    for tick in range(seconds):
        now = start + tick
        _end_due(run, now)
        dialled = _place(run, now)
        if on_tick is not None:
            on_tick(now, dialled)
        if tick % 3600 == 3599:
            run.result.drop_rate_by_hour.append(hour.rate_since(run.result))
    return run.result


@dataclass
class DropWatch:
    """Answered and dropped counts at the last look, for a per-hour drop rate."""

    answered: int = 0
    dropped: int = 0

    def rate_since(self, result: Outcomes) -> float:
        """Return the drop rate since the last call, and remember where we are."""
        answered, dropped = result.answered - self.answered, result.dropped - self.dropped
        self.answered, self.dropped = result.answered, result.dropped
        return dropped / answered if answered else 0.0


def _place(run: _Run, now: float) -> list[int]:
    """Ask next_calls for dials and start them; return the contacts dialled."""
    while len(run.queue) < PAGE:
        contact_id = next(run.next_contact)
        zone = run.campaign.default_zone  # given, as a list with a zone column would
        run.queue.append(Contact(contact_id, f"+86138{contact_id:08d}", zone))
    state = CampaignState(
        run.campaign, run.queue, run.dnc, run.stats, ready_agents=tuple(run.ready),
        busy_agents=run.result.agents - len(run.ready), dials_in_flight=len(run.in_flight),
        free_channels=1000, in_flight_contacts=frozenset(run.in_flight),
    )  # fmt: skip
    dials = next_calls(state, now)
    result = run.result
    result.most_dials_over_ready = max(result.most_dials_over_ready, len(dials) - len(run.ready))
    taken = {dial.contact_id for dial in dials}
    campaign_id = run.campaign.id  # the next page leaves out blocked numbers, as the store's does
    run.queue = [c for c in run.queue
                 if c.id not in taken and not run.dnc.blocks(campaign_id, c.number)]  # fmt: skip
    for dial in dials:
        run.in_flight[dial.contact_id] = dial.number
        _schedule_outcome(run, now, dial.contact_id)
    result.dials += len(dials)
    result.most_in_flight = max(result.most_in_flight, len(run.in_flight))
    return sorted(taken)


def _schedule_outcome(run: _Run, now: float, contact_id: int) -> None:
    """Decide how a dial ends and when, and queue that moment."""
    customers, draw = run.customers, run.rng.random()
    answer = customers.answer_rate(now - run.start)
    if draw < answer:
        outcome, after = "answer", run.rng.uniform(*customers.answer_after)
    elif draw < answer + customers.busy_rate:
        outcome, after = Outcome.BUSY.value, 3.0
    elif draw < answer + customers.busy_rate + customers.failed_rate:
        outcome, after = Outcome.FAILED.value, 2.0
    else:
        outcome, after = Outcome.NO_ANSWER.value, customers.ring_out_seconds
    heapq.heappush(run.events, (now + after, next(run.order), "dial", outcome, after, contact_id))


def _end_due(run: _Run, now: float) -> None:
    """End every dial and call whose moment has come."""
    while run.events and run.events[0][0] <= now:
        _, _, kind, what, seconds, contact_id = heapq.heappop(run.events)
        if kind == "call":
            run.ready.append(what)
            run.stats.call_handled(seconds)
        else:
            run.in_flight.pop(contact_id, None)
            _dial_ended(run, now, what, seconds)


def _dial_ended(run: _Run, now: float, what: str, seconds: float) -> None:
    """Count a dial's end; an answer takes a ready agent for a handling time, or drops."""
    result = run.result
    if what != "answer":
        run.stats.dial_ended(now, Outcome(what))
        return
    result.answered += 1
    day = datetime.fromtimestamp(now, ZoneInfo(run.campaign.default_zone)).date()
    count = result.by_day.setdefault(day, DropCount())
    count.answered += 1
    if not run.ready:
        result.dropped += 1
        count.dropped += 1
        run.stats.dial_ended(now, Outcome.DROPPED, seconds)
        return
    result.connected += 1
    run.stats.dial_ended(now, Outcome.CONNECTED, seconds)
    agent = run.ready.pop(0)
    handle = max(5.0, run.rng.expovariate(1 / run.customers.handle_seconds))
    result.busy_seconds += min(handle, result.seconds - (now - run.start))
    heapq.heappush(run.events, (now + handle, next(run.order), "call", agent, handle, 0))
