"""Pacing figures a campaign measures as it runs: answer rate, AHT, drops, the adaptive gain.

The engine records every dial's end and every handled call's length; predictive
pacing reads the figures and adapts its gain once per `interval_seconds` from the
recent drop rate.  Drops are counted over the campaign and per day on the campaign's
clock, the two figures the hard cap is held to (docs/dialer.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from appliance.dialer.const import Outcome

WINDOW_DIALS = 300  # answer rate and time to answer over the latest dials
WINDOW_CALLS = 200
WINDOW_ANSWERS = 100  # the drop rate the gain is adapted from  # AHT over the latest handled calls
PRIOR_ANSWER_RATE = 0.3  # until MIN_SAMPLES dials have ended
PRIOR_AHT_SECONDS = 120.0
PRIOR_ANSWER_SECONDS = 10.0
MIN_SAMPLES = 20
GAIN_RANGE = (0.05, 3.0)
SETPOINT = 0.8  # the share of the cap the recent drop rate is steered to
HUMAN_ANSWERED = (Outcome.CONNECTED, Outcome.DROPPED)


@dataclass
class DropCount:
    """Answered and dropped calls over some span."""

    answered: int = 0
    dropped: int = 0

    def rate(self) -> float:
        """Return dropped as a share of answered (0 before any answer)."""
        return self.dropped / self.answered if self.answered else 0.0

    def has_room(self, cap: float) -> bool:
        """Return true if one more drop would still keep the rate within the cap."""
        return self.dropped + 1 <= cap * (self.answered + 1)


class Rolling:
    """The sum and count of the latest `size` values, kept as values come and go."""

    def __init__(self, size: int) -> None:
        """Start empty, keeping at most `size` values."""
        self.values: deque[float] = deque(maxlen=size)
        self.total = 0.0

    def add(self, value: float) -> None:
        """Take a value in, letting the oldest go when full."""
        if len(self.values) == self.values.maxlen:
            self.total -= self.values[0]
        self.values.append(value)
        self.total += value

    def __len__(self) -> int:
        """Return how many values are kept."""
        return len(self.values)

    def mean(self) -> float:
        """Return the mean of the values kept (0 when none)."""
        return self.total / len(self.values) if self.values else 0.0


@dataclass
class PacingStats:
    """A campaign's measured figures and its predictive gain."""

    zone: str = "Asia/Shanghai"  # where the campaign's day starts and ends
    interval_seconds: float = 30.0
    gain: float = 0.5  # the share of the drop cap predictive aims at; adapted each interval
    total: DropCount = field(default_factory=DropCount)
    today: DropCount = field(default_factory=DropCount)
    day: date | None = None
    recent: Rolling = field(default_factory=lambda: Rolling(WINDOW_DIALS))  # 1: answered
    answer_times: Rolling = field(default_factory=lambda: Rolling(WINDOW_DIALS))
    handle_times: Rolling = field(default_factory=lambda: Rolling(WINDOW_CALLS))
    recent_drops: Rolling = field(default_factory=lambda: Rolling(WINDOW_ANSWERS))  # 1: dropped
    adapted_at: float | None = None

    def dial_ended(self, now: float, outcome: Outcome, seconds_to_answer: float = 0.0) -> None:
        """Count a dial's outcome; an answered one with how long it rang."""
        self._roll_day(now)
        answered = outcome in HUMAN_ANSWERED
        self.recent.add(float(answered))
        if answered:
            self.answer_times.add(seconds_to_answer)
            self.recent_drops.add(float(outcome is Outcome.DROPPED))
            for count in (self.total, self.today):
                count.answered += 1
                count.dropped += outcome is Outcome.DROPPED

    def call_handled(self, seconds: float) -> None:
        """Count one agent's handling time for a connected call (talk and wrap-up)."""
        self.handle_times.add(seconds)

    def answer_rate(self) -> float:
        """Return the share of recent dials a person answered (the prior until enough)."""
        if len(self.recent) < MIN_SAMPLES:
            return PRIOR_ANSWER_RATE
        return min(max(self.recent.mean(), 0.01), 0.99)

    def aht(self) -> float:
        """Return the mean handling time of recent calls, in seconds."""
        if len(self.handle_times) < 5:
            return PRIOR_AHT_SECONDS
        return max(1.0, self.handle_times.mean())

    def time_to_answer(self) -> float:
        """Return the mean seconds from dial to answer of recent answered calls."""
        if len(self.answer_times) < 5:
            return PRIOR_ANSWER_SECONDS
        return self.answer_times.mean()

    def has_room(self, now: float, cap: float) -> bool:
        """Return true if one more drop keeps both the campaign and today's rate in the cap."""
        self._roll_day(now)
        return self.total.has_room(cap) and self.today.has_room(cap)

    def adapt(self, now: float, cap: float) -> None:
        """Once per interval, steer the drop rate to SETPOINT × cap through the gain."""
        if self.adapted_at is not None and now - self.adapted_at < self.interval_seconds:
            return
        self.adapted_at = now
        if len(self.recent_drops) < MIN_SAMPLES:
            return
        # The worse of the recent rate and the day's and campaign's own: a day that ran
        # close to the cap early is steered back below the setpoint, not left at the gate.
        spans = [c.rate() for c in (self.today, self.total) if c.answered >= WINDOW_ANSWERS]
        rate = max([self.recent_drops.mean(), *spans])
        if rate > SETPOINT * cap:
            self.gain *= 0.85
        elif rate < SETPOINT * cap * 0.75:
            self.gain *= 1.1
        self.gain = min(max(self.gain, GAIN_RANGE[0]), GAIN_RANGE[1])

    def _roll_day(self, now: float) -> None:
        """Start a new day's drop count when the campaign's date has changed."""
        today = datetime.fromtimestamp(now, ZoneInfo(self.zone)).date()
        if today != self.day:
            self.day, self.today = today, DropCount()
