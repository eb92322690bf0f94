"""When a scheduled report is due and which days it covers (pure, in the box's time zone)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from appliance.reports.schedules import Plan, is_due, latest_moment, report_days

TZ = "Asia/Shanghai"


def t(text: str) -> float:
    """Return the UNIX time of a local "YYYY-MM-DD HH:MM" in TZ."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(TZ)).timestamp()


@pytest.mark.parametrize(
    ("plan", "now", "latest"),
    [
        (Plan("daily", "07:00"), "2026-03-11 07:00", "2026-03-11 07:00"),
        (Plan("daily", "07:00"), "2026-03-11 06:59", "2026-03-10 07:00"),
        (Plan("weekly", "08:30", weekday=0), "2026-03-11 09:00", "2026-03-09 08:30"),
        (Plan("weekly", "08:30", weekday=2), "2026-03-11 08:00", "2026-03-04 08:30"),
        (Plan("monthly", "06:00", day_of_month=1), "2026-03-11 09:00", "2026-03-01 06:00"),
        (Plan("monthly", "06:00", day_of_month=15), "2026-03-11 09:00", "2026-02-15 06:00"),
        (Plan("monthly", "06:00", day_of_month=1), "2026-01-01 05:00", "2025-12-01 06:00"),
    ],
)
def test_the_latest_planned_moment(plan: Plan, now: str, latest: str) -> None:
    assert latest_moment(plan, t(now), TZ) == t(latest)


def test_due_once_after_the_moment_and_not_again_until_the_next() -> None:
    plan = Plan("daily", "07:00")
    created = t("2026-03-10 12:00")
    assert not is_due(plan, None, created, t("2026-03-11 06:59"), TZ)
    assert is_due(plan, None, created, t("2026-03-11 07:00"), TZ)
    assert not is_due(plan, t("2026-03-11 07:00"), created, t("2026-03-11 23:00"), TZ)
    # a box off for three days sends one report when it is back, not three
    assert is_due(plan, t("2026-03-11 07:00"), created, t("2026-03-14 10:00"), TZ)


@pytest.mark.parametrize(
    ("name", "days"),
    [
        ("yesterday", (date(2026, 3, 10), date(2026, 3, 10))),
        ("last_week", (date(2026, 3, 2), date(2026, 3, 8))),
        ("last_month", (date(2026, 2, 1), date(2026, 2, 28))),
    ],
)
def test_the_days_a_report_covers(name: str, days: tuple[date, date]) -> None:
    assert report_days(name, t("2026-03-11 00:30"), TZ) == days


def test_unknown_ranges_and_frequencies_are_refused() -> None:
    with pytest.raises(ValueError, match="report_range"):
        report_days("fortnight", 0, TZ)
    with pytest.raises(ValueError, match="frequency"):
        latest_moment(Plan("hourly", "07:00"), 0, TZ)
