"""Conditional routing rules (条件路由): conditions on the queues and the clock → where to go.

A rule belongs to a queue and is looked at when a caller enters that queue.  Its
conditions are a list of clauses that must all hold; the first enabled rule, by
position, whose clauses hold decides.  Clauses:

- ``{"metric": M, "queue": Q, "op": OP, "value": N}`` with M one of ``waiting``
  (callers waiting in Q, not counting the caller being routed), ``longest_wait``
  (seconds the oldest caller in Q has waited), ``idle`` (agents of Q free to take a
  call now), ``logged_in`` (agents of Q registered and logged in); OP one of
  ``>``, ``>=``, ``<``, ``<=``, ``==``, ``!=``;
- ``{"metric": "vip", "op": OP, "value": N}``: the caller's VIP tier;
- ``{"time": "HH:MM-HH:MM", "days": ["mon", ...]}``: the box's local time is in
  the range (which may wrap past midnight), on one of the days (default: every day);
- ``{"region": ["Beijing", "广东"]}``: the caller's number is from one of the regions.

The action is ``{"target": "queue:<name>"}`` or ``{"target": "ivr:<node>"}``, and/or
``{"priority": N}`` (the caller's priority is raised to at least N).  The seed's
example, a rule of queue ``group1``::

    conditions: [{"metric": "waiting", "queue": "group1", "op": ">", "value": 25},
                 {"metric": "idle", "queue": "group2", "op": ">=", "value": 4}]
    action:     {"target": "queue:group2"}
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from appliance.callflow.targets import overflow_target

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
QUEUE_METRICS = ("waiting", "longest_wait", "idle", "logged_in")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_HOPS = 5  # queues a caller may be sent through at one entry (a loop ends here)


@dataclass(frozen=True)
class QueueLoad:
    """How busy one queue is at the moment a caller is routed."""

    waiting: int = 0
    longest_wait: float = 0.0
    idle: int = 0
    logged_in: int = 0


@dataclass(frozen=True)
class Situation:
    """What rule conditions look at: every queue's load, the clock and the caller."""

    loads: Mapping[str, QueueLoad]
    clock: datetime  # the box's local time
    vip: int = 0
    in_region: Callable[[str], bool] = field(default=lambda region: False)


class Clause(ABC):
    """One condition of a rule."""

    @abstractmethod
    def holds(self, situation: Situation) -> bool:
        """Return true if the condition holds."""

    def queues(self) -> set[str]:
        """Return the queues the condition names."""
        return set()


@dataclass(frozen=True)
class QueueMetric(Clause):
    """A queue's metric compared with a number."""

    metric: str
    queue: str
    op: str
    value: float

    def holds(self, situation: Situation) -> bool:
        """Return true if the queue's metric compares as asked."""
        load = situation.loads.get(self.queue, QueueLoad())
        return OPS[self.op](getattr(load, self.metric), self.value)

    def queues(self) -> set[str]:
        """Return the queue measured."""
        return {self.queue}


@dataclass(frozen=True)
class VipTier(Clause):
    """The caller's VIP tier compared with a number."""

    op: str
    value: float

    def holds(self, situation: Situation) -> bool:
        """Return true if the caller's tier compares as asked."""
        return OPS[self.op](situation.vip, self.value)


@dataclass(frozen=True)
class TimeOfDay(Clause):
    """A range of local time (minutes after midnight, end excluded) on some weekdays."""

    start: int
    end: int
    days: frozenset[int]

    def holds(self, situation: Situation) -> bool:
        """Return true if the clock is in the range on one of the days."""
        clock = situation.clock
        minute = clock.hour * 60 + clock.minute
        if self.start <= self.end:
            return clock.weekday() in self.days and self.start <= minute < self.end
        if minute >= self.start:  # before midnight: today's range
            return clock.weekday() in self.days
        return minute < self.end and (clock.weekday() - 1) % 7 in self.days  # yesterday's


@dataclass(frozen=True)
class Region(Clause):
    """The caller's number is from one of some regions."""

    regions: tuple[str, ...]

    def holds(self, situation: Situation) -> bool:
        """Return true if the caller is from one of the regions."""
        return any(situation.in_region(r) for r in self.regions)


@dataclass(frozen=True)
class Rule:
    """Where callers entering a queue go when every clause holds."""

    queue: str
    position: int
    clauses: tuple[Clause, ...]
    target: str = ""  # "queue:<name>", "ivr:<node>", or "" (stay)
    priority: int | None = None  # raise the caller's priority to at least this
    label: str = ""  # how errors and events name it

    def matches(self, situation: Situation) -> bool:
        """Return true if every clause holds."""
        return all(c.holds(situation) for c in self.clauses)


@dataclass(frozen=True)
class Decision:
    """Where a caller goes after the rules of the queues it enters."""

    queue: str = ""  # the queue to join ("" when sent to an IVR node)
    ivr: str = ""  # the IVR node to continue at
    priority: int | None = None
    hops: tuple[tuple[str, str], ...] = ()  # (from queue, rule label) for each move


def parse_rule(queue: str, position: int, conditions: Any, action: Any, label: str = "") -> Rule:
    """Return a rule from its stored JSON; raise KeyError saying what is wrong."""
    label = label or f"rule {position} of queue {queue!r}"
    if not isinstance(conditions, list):
        raise KeyError(f"{label}: conditions must be a list of clauses, got {conditions!r}")
    clauses = tuple(_parse_clause(label, c) for c in conditions)
    if not isinstance(action, dict) or not set(action) & {"target", "priority"}:
        raise KeyError(f"{label}: action must have a 'target' and/or a 'priority'")
    target = str(action.get("target", ""))
    try:
        kind = overflow_target(target)[0]
    except KeyError:
        kind = "bad"
    if kind not in ("", "queue", "ivr"):  # voicemail, external: overflow targets, not routes
        wanted = "'queue:<name>' or 'ivr:<node>'"
        raise KeyError(f"{label}: target {target!r} must be {wanted}")
    priority = action.get("priority")
    if priority is not None and not isinstance(priority, int):
        raise KeyError(f"{label}: priority must be a whole number, got {priority!r}")
    return Rule(queue, position, clauses, target, priority, label)


def _parse_clause(label: str, clause: Any) -> Clause:
    """Return one clause from its JSON; raise KeyError saying what is wrong."""
    if not isinstance(clause, dict):
        raise KeyError(f"{label}: a clause must be an object, got {clause!r}")
    if "time" in clause:
        return _parse_time(label, clause)
    if "region" in clause:
        regions = clause["region"]
        regions = [regions] if isinstance(regions, str) else regions
        if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
            raise KeyError(f"{label}: region must be a name or a list of names")
        return Region(tuple(regions))
    metric, op, value = clause.get("metric"), clause.get("op"), clause.get("value")
    if op not in OPS or not isinstance(value, int | float) or isinstance(value, bool):
        raise KeyError(f"{label}: {clause!r} needs an 'op' in {list(OPS)} and a numeric 'value'")
    if metric == "vip":
        return VipTier(op, value)
    if metric not in QUEUE_METRICS or not isinstance(clause.get("queue"), str):
        known = [*QUEUE_METRICS, "vip"]
        raise KeyError(f"{label}: {clause!r} needs a 'metric' in {known} (and a 'queue')")
    return QueueMetric(metric, clause["queue"], op, value)


def _parse_time(label: str, clause: dict[str, Any]) -> TimeOfDay:
    """Return a time-of-day clause; raise KeyError saying what is wrong."""
    try:
        start_text, end_text = str(clause["time"]).split("-")
        start, end = _minutes(start_text), _minutes(end_text)
        days = frozenset(DAYS.index(d.lower()) for d in clause.get("days", DAYS))
    except (ValueError, AttributeError, TypeError):
        raise KeyError(
            f"{label}: time must be 'HH:MM-HH:MM' and days a list of {', '.join(DAYS)}"
        ) from None
    return TimeOfDay(start, end, days)


def _minutes(text: str) -> int:
    """Return minutes after midnight of "HH:MM" (raise ValueError if it is not a time)."""
    hours, minutes = (int(part) for part in text.strip().split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60 and hours * 60 + minutes <= 1440):
        raise ValueError(text)
    return hours * 60 + minutes


def check_rules(rules: list[Rule], queues: set[str]) -> None:
    """Raise KeyError if a rule names a queue that does not exist."""
    for rule in rules:
        named = set().union(*(c.queues() for c in rule.clauses))
        kind, target = overflow_target(rule.target)
        if kind == "queue":
            named.add(target)
        for missing in sorted(named - queues):
            raise KeyError(f"{rule.label} names unknown queue {missing!r}")


def first_match(rules: list[Rule], situation: Situation) -> Rule | None:
    """Return the first rule whose clauses all hold, or None."""
    return next((r for r in rules if r.matches(situation)), None)


def resolve(
    queue: str, rules_of: Callable[[str], list[Rule]], situation: Callable[[], Situation]
) -> Decision:
    """Follow the rules from the queue a caller enters to where it ends up.

    A rule sending the caller to another queue hands it to that queue's rules in
    turn; a queue already passed through, or more than MAX_HOPS moves, stops there.
    `situation` is called once, and only if some queue on the way has rules.
    """
    seen, priority = {queue}, None
    hops: list[tuple[str, str]] = []
    current: Situation | None = None
    while len(hops) < MAX_HOPS and (rules := rules_of(queue)):
        current = current or situation()
        rule = first_match(rules, current)
        if rule is None:
            break
        if rule.priority is not None:
            priority = rule.priority if priority is None else max(priority, rule.priority)
        kind, name = overflow_target(rule.target)
        if kind == "ivr":
            return Decision("", name, priority, (*hops, (queue, rule.label)))
        if kind != "queue" or name in seen:
            break
        hops.append((queue, rule.label))
        seen.add(name)
        queue = name
    return Decision(queue, "", priority, tuple(hops))
