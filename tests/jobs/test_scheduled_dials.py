"""The scheduled dial-out job without an engine: what waits, what is missed, what is kept."""

from __future__ import annotations

import time

from peewee import Database
from store_support import settings, store

from appliance.config import Settings
from appliance.jobs import scheduled_dials
from appliance.jobs.scheduler import build_scheduler
from appliance.store.models import ScheduledDial, User

__all__ = ["settings", "store"]  # fixtures


def booking(due_at: float, status: str = "pending") -> ScheduledDial:
    """Store one booking of user 1001's."""
    user = User.get_or_create(username="agent1", defaults={"password_hash": "x"})[0]
    return ScheduledDial.create(user=user, extension="1001", number="901012345678",
                                due_at=due_at, status=status)  # fmt: skip


def test_with_the_engine_down_a_due_booking_waits_and_is_missed_only_past_the_grace(
    settings: Settings, store: Database
) -> None:
    now = time.time()
    due = booking(now - 5)
    assert scheduled_dials.dial_due(settings, now) == {due.id: "pending"}  # tried again later
    assert ScheduledDial.get_by_id(due.id).status == "pending"
    later = now + scheduled_dials.MISSED_AFTER_SECONDS + 1
    assert scheduled_dials.dial_due(settings, later) == {due.id: "missed"}
    assert ScheduledDial.get_by_id(due.id).detail.endswith("s late")


def test_future_cancelled_and_finished_bookings_are_left_alone(
    settings: Settings, store: Database
) -> None:
    now = time.time()
    booking(now + 60)
    booking(now - 5, "cancelled")
    booking(now - 5, "dialled")
    assert scheduled_dials.dial_due(settings, now) == {}


def test_a_booking_left_mid_dial_by_a_killed_run_is_failed_never_dialled_twice(
    settings: Settings, store: Database
) -> None:
    stuck = booking(time.time() - 5, "dialling")
    assert scheduled_dials.dial_due(settings) == {}
    row = ScheduledDial.get_by_id(stuck.id)
    assert (row.status, row.detail) == ("failed", "interrupted: the scheduler stopped mid-dial")


def test_no_store_yet_is_nothing_to_do_and_the_job_is_scheduled(tmp_path: object) -> None:
    from pathlib import Path

    from appliance.config import load

    fresh = load(Path(str(tmp_path)) / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path)})
    assert scheduled_dials.dial_due(fresh) == {}
    assert "scheduled-dials" in [job.id for job in build_scheduler(fresh).get_jobs()]
