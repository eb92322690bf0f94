"""The rollup job: build the report rollups of intervals that are over (reports/rollups.py)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from appliance.config import Settings

INTERVAL_SECONDS = 900
log = logging.getLogger("callbox.scheduler")


def refresh_rollups(settings: Settings) -> int:
    """Build the missing or dropped rollups up to an hour ago; return how many intervals."""
    from appliance.reports import queries, rollups
    from appliance.store.database import connect

    database = connect(Path(settings.paths.database))
    try:
        built = rollups.refresh(time.time(), queries.thresholds())
    finally:
        database.close()
    if built:
        log.info("built the report rollups of %d interval(s)", built)
    return built
