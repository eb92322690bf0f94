"""Build and run the blocking scheduler with callbox's jobs."""

from __future__ import annotations

import logging
import signal
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.schedulers.blocking import BlockingScheduler

from appliance import config
from appliance.health.notify import sd_notify
from appliance.jobs import backups, heartbeat, reports, retention, rollups, scheduled_dials

log = logging.getLogger("callbox.scheduler")


def build_scheduler(settings: config.Settings) -> BlockingScheduler:
    """Return a scheduler with every job added (not started)."""
    scheduler = BlockingScheduler(timezone=settings.timezone)
    now = datetime.now(scheduler.timezone)
    jobs = [  # (id, function, every seconds, first run)
        ("heartbeat", heartbeat.heartbeat, heartbeat.INTERVAL_SECONDS, now),  # at once
        ("recording-retention", retention.run, retention.INTERVAL_SECONDS,
         now + timedelta(seconds=retention.FIRST_RUN_DELAY_SECONDS)),
        ("reports", reports.send_due_reports, reports.INTERVAL_SECONDS, None),
        ("rollups", rollups.refresh_rollups, rollups.INTERVAL_SECONDS, None),
        ("scheduled-dials", scheduled_dials.dial_due, scheduled_dials.INTERVAL_SECONDS, now),
        ("backups", backups.run_due_backups, backups.INTERVAL_SECONDS, None),
    ]  # fmt: skip
    for job_id, function, seconds, first in jobs:
        extra = {"next_run_time": first} if first is not None else {}
        scheduler.add_job(function, "interval", seconds=seconds, args=[settings], id=job_id,
                          coalesce=True, max_instances=1, **extra)  # fmt: skip
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

    def _started(event: SchedulerEvent) -> None:
        """Tell systemd the scheduler runs (heartbeat's WATCHDOG=1 keeps it told)."""
        sd_notify("READY=1")

    scheduler.add_listener(_started, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()
    log.info("scheduler stopped")
    return 0
