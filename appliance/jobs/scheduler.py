"""Build and run the blocking scheduler with callbox's jobs."""

from __future__ import annotations

import logging
import signal
from datetime import datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from appliance import config
from appliance.jobs import heartbeat, rollups

log = logging.getLogger("callbox.scheduler")


def build_scheduler(settings: config.Settings) -> BlockingScheduler:
    """Return a scheduler with every job added (not started)."""
    scheduler = BlockingScheduler(timezone=settings.timezone)
    scheduler.add_job(
        heartbeat.heartbeat,
        "interval",
        seconds=heartbeat.INTERVAL_SECONDS,
        args=[settings],
        id="heartbeat",
        next_run_time=datetime.now(scheduler.timezone),  # beat at once, not after 2 s
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        rollups.refresh_rollups,
        "interval",
        seconds=rollups.INTERVAL_SECONDS,
        args=[settings],
        id="rollups",
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def main() -> int:
    """Run the scheduler until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    # APScheduler logs every job run at INFO; a heartbeat every 2 s would drown the output.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(config.load())

    def _stop(signum: int, frame: FrameType | None) -> None:
        """Shut the scheduler down once, whatever the number of signals."""
        if scheduler.running:  # a second signal while stopping is not an error
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()
    log.info("scheduler stopped")
    return 0
