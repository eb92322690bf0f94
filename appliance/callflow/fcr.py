"""First-call resolution: an answered call is resolved when its caller does not call back soon.

Pure functions over CDR rows (``from_number``, ``queue``, ``direction``, ``outcome``,
``started_at``).  Formula: docs/metrics.md, "First-call resolution".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from appliance.callflow.const import Outcome

DEFAULT_WINDOW_SECONDS = 7 * 86400
CALLER_DIRECTIONS = ("inbound", "internal")  # the caller rang us: callbacks and dialling don't


@dataclass(frozen=True)
class FirstCallResolution:
    """How many answered calls were resolved the first time, over a period."""

    counted: int = 0  # answered calls of known callers whose window is over
    resolved: int = 0  # of them, callers who did not call the same queue again in the window
    pending: int = 0  # answered calls whose window is not over yet (not in the rate)
    rate: float | None = None  # resolved / counted, percent


def _caller_rang(row: Mapping[str, Any]) -> bool:
    """Return true if the row is a call the caller made to a queue, from a known number."""
    return (
        bool(row.get("from_number"))
        and bool(row.get("queue"))
        and (row.get("direction", "inbound") in CALLER_DIRECTIONS)
    )


def first_call_resolution(
    rows: Iterable[Mapping[str, Any]],
    start: float,
    end: float,
    now: float,
    window: float = DEFAULT_WINDOW_SECONDS,
) -> FirstCallResolution:
    """Return the FCR of the answered calls that started in [start, end).

    rows must also hold the calls up to end + window (the repeats); a repeat at
    exactly started_at + window is within the window.
    """
    calls = sorted((r for r in rows if _caller_rang(r)), key=lambda r: float(r["started_at"]))
    times: dict[tuple[str, str], list[float]] = {}
    for row in calls:
        times.setdefault((row["from_number"], row["queue"]), []).append(float(row["started_at"]))
    counted = resolved = pending = 0
    for row in calls:
        at = float(row["started_at"])
        if row.get("outcome") != Outcome.ANSWERED or not start <= at < end:
            continue
        if at + window > now:
            pending += 1
            continue
        later = times[(row["from_number"], row["queue"])]
        again = bisect_right(later, at + window) - bisect_right(later, at)
        counted, resolved = counted + 1, resolved + (again == 0)
    rate = round(100.0 * resolved / counted, 1) if counted else None
    return FirstCallResolution(counted, resolved, pending, rate)
