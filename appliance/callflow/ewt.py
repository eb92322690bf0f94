"""Expected wait time of a queue, from the handle times of its recent answered calls.

The engine records each answered call's handle time (answer to hang-up) per queue;
at start and reload the estimator is seeded from the newest CDRs.  A caller at
position N with S agents serving waits about N × mean handle / S.  With no history,
or nobody serving, there is no estimate (the caller hears only their position).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping

WINDOW = 20  # answered calls per queue the mean is taken over
CAP_SECONDS = 3600.0  # no estimate (and no sample) counts for more than an hour


class WaitEstimator:
    """Rolling handle times per queue and the expected wait they give."""

    def __init__(self, window: int = WINDOW, cap: float = CAP_SECONDS) -> None:
        self.window = window
        self.cap = cap
        self._handle: dict[str, deque[float]] = {}

    def record(self, queue: str, handle_seconds: float) -> None:
        """Add one answered call's handle time to the queue's window."""
        if handle_seconds < 0 or math.isnan(handle_seconds):
            return
        samples = self._handle.setdefault(queue, deque(maxlen=self.window))
        samples.append(min(handle_seconds, self.cap))

    def seed(self, history: Mapping[str, Iterable[float]]) -> None:
        """Replace every queue's window with history (oldest first)."""
        self._handle.clear()
        for queue, samples in history.items():
            for seconds in samples:
                self.record(queue, seconds)

    def mean_handle(self, queue: str) -> float | None:
        """Return the queue's mean handle time, or None without history."""
        samples = self._handle.get(queue)
        return sum(samples) / len(samples) if samples else None

    def expected_wait(self, queue: str, position: int, serving: int) -> float | None:
        """Return the expected wait in seconds at position with serving agents, or None."""
        mean = self.mean_handle(queue)
        if mean is None or serving <= 0 or position <= 0:
            return None
        return min(self.cap, mean * position / serving)


def minutes(seconds: float) -> int:
    """Return a wait as whole minutes to announce: rounded up, at least one."""
    return max(1, math.ceil(seconds / 60.0))
