"""The campaign schedule job: start at `start_at`, pause at `stop_at`, each time used once."""

from __future__ import annotations

import time

from peewee import Database
from store_support import settings, store

from appliance.config import Settings
from appliance.jobs import campaign_schedule
from appliance.jobs.scheduler import build_scheduler
from appliance.store.campaigns import create_campaign
from appliance.store.models import Campaign

__all__ = ["settings", "store"]  # fixtures
WINDOW = {"mon": ["09:00-20:00"]}


def campaign(name: str, status: str = "draft", **times: float) -> Campaign:
    """Store a campaign with a status and start/stop times."""
    row = create_campaign(name, "progressive", queue="support", window=WINDOW, **times)
    row.status = status
    row.save()
    return row


def status(row: Campaign) -> tuple[str, float | None, float | None]:
    """Return a campaign's stored status and times."""
    fresh = Campaign.get_by_id(row.id)
    return fresh.status, fresh.start_at, fresh.stop_at


def test_a_draft_starts_at_its_time_and_pauses_at_its_stop(
    settings: Settings, store: Database
) -> None:
    now = time.time()
    row = campaign("回访", start_at=now + 60, stop_at=now + 3600)
    assert campaign_schedule.apply_schedules(settings, now) == {}  # not yet
    assert status(row) == ("draft", now + 60, now + 3600)
    assert campaign_schedule.apply_schedules(settings, now + 61) == {"回访": "running"}
    assert status(row) == ("running", None, now + 3600)  # the start is used once
    assert campaign_schedule.apply_schedules(settings, now + 120) == {}
    assert campaign_schedule.apply_schedules(settings, now + 3601) == {"回访": "paused"}
    assert status(row) == ("paused", None, None)


def test_times_both_past_apply_in_their_order(settings: Settings, store: Database) -> None:
    now = time.time()
    ran = campaign("ran", start_at=now - 600, stop_at=now - 60)  # the box was down all along
    resumed = campaign("resumed", "running", stop_at=now - 600, start_at=now - 60)
    moved = campaign_schedule.apply_schedules(settings, now)
    assert moved == {"ran": "paused", "resumed": "running"}
    assert status(ran) == ("paused", None, None)
    assert status(resumed) == ("running", None, None)


def test_a_move_the_status_forbids_is_not_made_and_not_tried_again(
    settings: Settings, store: Database
) -> None:
    now = time.time()
    stopped = campaign("stopped", "stopped", start_at=now - 1)
    draft = campaign("draft", stop_at=now - 1)  # never started: nothing to pause
    assert campaign_schedule.apply_schedules(settings, now) == {}
    assert status(stopped) == ("stopped", None, None)
    assert status(draft) == ("draft", None, None)


def test_the_job_is_scheduled(settings: Settings) -> None:
    assert "campaign-schedule" in [job.id for job in build_scheduler(settings).get_jobs()]
