"""The campaign schedule job: start campaigns at their `start_at`, pause them at their `stop_at`.

A campaign's calling window (docs/dialer.md) is checked by the engine's dialer on every
tick, per contact; these two optional times are the admin's "run from … until …".  Each
is used once: when it has passed and the campaign's status allows the move (the same
rule as `callbox campaign start|pause`), the status is set and the time cleared.  A time
whose move is not allowed (a stopped campaign's start) is cleared too, with a log line,
so it is never tried again.  The engine needs not be up: it reads the status each tick.
"""

from __future__ import annotations

import logging
import time

from appliance.config import Settings
from appliance.dialer.const import CampaignStatus
from appliance.dialer.moves import check_move
from appliance.jobs.store_access import migrated_store
from appliance.store.models import Campaign

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 10


def apply_schedules(settings: Settings, now: float | None = None) -> dict[str, str]:
    """Move every campaign whose start or stop time has passed; return {name: new status}."""
    now = time.time() if now is None else now
    with migrated_store(settings) as ready:
        return due_moves(now) if ready else {}


def due_moves(now: float) -> dict[str, str]:
    """Apply the start and stop times that have passed, oldest first (store already open)."""
    moved: dict[str, str] = {}
    due = (Campaign.start_at <= now) | (Campaign.stop_at <= now)
    for row in Campaign.select().where(due):
        times = [(row.start_at, CampaignStatus.RUNNING), (row.stop_at, CampaignStatus.PAUSED)]
        for _at, wanted in sorted(t for t in times if t[0] is not None and t[0] <= now):
            setattr(row, "start_at" if wanted is CampaignStatus.RUNNING else "stop_at", None)
            try:
                check_move(row.name, row.status, wanted)
            except ValueError as exc:
                log.warning("campaign schedule not applied: %s", exc)
                continue
            row.status = moved[row.name] = wanted.value
            log.info("campaign %s %s on its schedule", row.name, wanted.value)
        row.save()
    return moved
