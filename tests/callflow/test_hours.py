"""Business hours: weekly ranges, holidays, 调休 workdays, overnight, zones, DST, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from appliance.callflow.hours import Schedule, is_open, next_change
from appliance.callflow.hours_schema import parse_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
OFFICE_DAY = ["09:00-12:00", "13:30-18:00"]

# The dates below are our assumption, in the style of the State Council's yearly notice
# (as in 2025: Oct 1-8 off, a Sunday before and a Saturday after worked); they are not the
# official 2026 / 2027 arrangements.  Mid-Autumn: Fri 2026-09-25 off.  National Day:
# Thu 2026-10-01 to Thu 2026-10-08 off, Sun 2026-09-27 worked like a Monday and
# Sat 2026-10-10 worked like a Friday.  New Year across the year boundary: a half day on
# Wed 2026-12-30, Thu 2026-12-31 to Sat 2027-01-02 off, Sun 2027-01-03 worked.
OFFICE_2026: dict[str, Any] = {
    "name": "office",
    "timezone": "Asia/Shanghai",
    "weekly": {day: OFFICE_DAY for day in WEEKDAYS},
    "holidays": [
        "2026-09-25",
        {"date": "2026-10-01", "until": "2026-10-08", "name": "National Day"},
        {"date": "2026-12-30", "hours": ["09:00-12:00"], "name": "New Year's Eve, half day"},
        {"date": "2026-12-31", "until": "2027-01-02", "name": "New Year"},
    ],
    "workdays": [
        {"date": "2026-09-27", "like": "mon"},
        {"date": "2026-10-10", "like": "fri"},
        {"date": "2027-01-03", "hours": ["09:00-17:00"]},
    ],
}


def shanghai(*parts: int) -> datetime:
    """Return a wall time in Shanghai."""
    return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def new_york(*parts: int, fold: int = 0) -> datetime:
    """Return a wall time in New York."""
    return datetime(*parts, tzinfo=NEW_YORK, fold=fold)  # type: ignore[misc]


def utc(*parts: int) -> datetime:
    """Return a UTC time."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def office() -> Schedule:
    return parse_schedule(OFFICE_2026)


def test_weekly_ranges_with_a_lunch_break(office: Schedule) -> None:
    """Open from each range's start up to (not including) its end, closed at weekends."""
    assert is_open(office, shanghai(2026, 9, 14, 9, 0))  # a Monday
    assert not is_open(office, shanghai(2026, 9, 14, 8, 59, 59))
    assert not is_open(office, shanghai(2026, 9, 14, 12, 0))
    assert is_open(office, shanghai(2026, 9, 14, 13, 30))
    assert not is_open(office, shanghai(2026, 9, 14, 18, 0))
    assert not is_open(office, shanghai(2026, 9, 19, 10, 0))  # Saturday
    assert next_change(office, shanghai(2026, 9, 14, 12, 5)) == shanghai(2026, 9, 14, 13, 30)


def test_national_day_block_with_worked_sunday_and_saturday(office: Schedule) -> None:
    """The holiday week is closed; the Sunday before and Saturday after are worked."""
    for day in range(1, 9):
        assert not is_open(office, shanghai(2026, 10, day, 10, 0)), day
    assert not is_open(office, shanghai(2026, 9, 25, 10, 0))  # Mid-Autumn, a Friday
    assert is_open(office, shanghai(2026, 9, 27, 10, 0))  # Sunday worked like a Monday
    assert not is_open(office, shanghai(2026, 9, 27, 12, 30))  # with Monday's lunch break
    assert is_open(office, shanghai(2026, 10, 9, 10, 0))  # the Friday after
    assert is_open(office, shanghai(2026, 10, 10, 17, 59))  # Saturday worked like a Friday
    assert not is_open(office, shanghai(2026, 10, 11, 10, 0))  # an ordinary Sunday


def test_next_change_skips_the_holiday_block(office: Schedule) -> None:
    """Announcements can say when the office opens again after the holidays."""
    assert next_change(office, shanghai(2026, 9, 26, 11, 0)) == shanghai(2026, 9, 27, 9, 0)
    assert next_change(office, shanghai(2026, 9, 30, 17, 0)) == shanghai(2026, 9, 30, 18, 0)
    assert next_change(office, shanghai(2026, 9, 30, 18, 0)) == shanghai(2026, 10, 9, 9, 0)


def test_half_day_and_new_year_across_the_year_boundary(office: Schedule) -> None:
    """A half day, three days off spanning 31 December and a worked Sunday in January."""
    assert is_open(office, shanghai(2026, 12, 30, 11, 0))
    assert not is_open(office, shanghai(2026, 12, 30, 14, 0))  # half day: no afternoon
    assert not is_open(office, shanghai(2026, 12, 31, 10, 0))
    assert not is_open(office, shanghai(2027, 1, 1, 10, 0))
    assert is_open(office, shanghai(2027, 1, 3, 16, 30))  # Sunday worked, its own hours
    assert not is_open(office, shanghai(2027, 1, 3, 17, 30))
    assert next_change(office, shanghai(2026, 12, 30, 12, 0)) == shanghai(2027, 1, 3, 9, 0)
    # 2027-01-03 09:00 in Shanghai is still 2027-01-03 01:00 UTC, and 31 Dec 20:00 UTC is
    # already New Year's Day in Shanghai: the year is the schedule's, not UTC's.
    assert not is_open(office, utc(2026, 12, 31, 20, 0))


def night(**extra: Any) -> Schedule:
    """Return a night shift: 22:00-06:00 starting Monday to Friday, in Shanghai."""
    return parse_schedule(
        {"name": "night", "timezone": "Asia/Shanghai",
         "weekly": {day: ["22:00-06:00"] for day in WEEKDAYS}, **extra}
    )  # fmt: skip


def test_an_overnight_range_counts_on_the_day_it_starts() -> None:
    """Friday's night runs into Saturday; a Saturday holiday does not cut it, a Friday one does."""
    plain = night()
    assert is_open(plain, shanghai(2026, 9, 18, 23, 0))  # Friday night
    assert is_open(plain, shanghai(2026, 9, 19, 5, 59))  # Saturday morning, Friday's shift
    assert not is_open(plain, shanghai(2026, 9, 19, 23, 0))  # Saturday night: none starts
    assert not is_open(plain, shanghai(2026, 9, 14, 3, 0))  # Monday morning: Sunday had none
    assert next_change(plain, shanghai(2026, 9, 18, 23, 0)) == shanghai(2026, 9, 19, 6, 0)
    saturday_off = night(holidays=["2026-09-19"])
    assert is_open(saturday_off, shanghai(2026, 9, 19, 3, 0))
    friday_off = night(holidays=["2026-09-18"])
    assert not is_open(friday_off, shanghai(2026, 9, 18, 23, 0))
    assert not is_open(friday_off, shanghai(2026, 9, 19, 3, 0))
    assert is_open(friday_off, shanghai(2026, 9, 18, 3, 0))  # Thursday's night still ran


def test_a_moment_is_judged_in_the_schedules_own_zone(office: Schedule) -> None:
    """One instant: open in Shanghai, closed in New York; a UNIX time or any zone is the same."""
    new_york_office = parse_schedule(
        {"name": "ny", "timezone": "America/New_York", "weekly": {d: OFFICE_DAY for d in WEEKDAYS}}
    )
    moment = utc(2026, 9, 14, 2, 0)  # Monday 10:00 in Shanghai, Sunday 22:00 in New York
    assert is_open(office, moment)
    assert is_open(office, moment.timestamp())
    assert is_open(office, moment.astimezone(NEW_YORK))
    assert not is_open(new_york_office, moment)
    assert next_change(new_york_office, moment) == new_york(2026, 9, 14, 9, 0)
    with pytest.raises(ValueError, match="has no time zone"):
        is_open(office, datetime(2026, 9, 14, 10, 0))


def test_new_york_across_both_dst_changes() -> None:
    """09:00 opens at 14:00 UTC in winter and 13:00 UTC in summer; gaps and repeats are walked."""
    schedule = parse_schedule(
        {"name": "ny", "timezone": "America/New_York",
         "weekly": {**{d: ["09:00-17:00"] for d in WEEKDAYS},
                    "sun": ["00:00-01:30", "02:30-04:00"]}}
    )  # fmt: skip
    assert next_change(schedule, new_york(2026, 3, 6, 17, 0)) == utc(2026, 3, 8, 5, 0)
    # Sunday 8 March: clocks jump 02:00 EST -> 03:00 EDT, into the 02:30-04:00 range.
    assert next_change(schedule, utc(2026, 3, 8, 6, 30)) == utc(2026, 3, 8, 7, 0)
    assert next_change(schedule, utc(2026, 3, 8, 7, 0)) == utc(2026, 3, 8, 8, 0)
    assert next_change(schedule, utc(2026, 3, 8, 8, 0)) == utc(2026, 3, 9, 13, 0)  # EDT
    # Sunday 1 November: 01:00-02:00 happens twice, so 00:00-01:30 opens twice.
    assert is_open(schedule, new_york(2026, 11, 1, 1, 15, fold=0))
    assert is_open(schedule, new_york(2026, 11, 1, 1, 15, fold=1))
    # (compared as UNIX times: Python never finds a repeated wall time equal across zones)
    reopen = next_change(schedule, new_york(2026, 11, 1, 1, 30, fold=0))
    assert reopen is not None and (reopen.hour, reopen.minute, reopen.fold) == (1, 0, 1)
    assert reopen.timestamp() == utc(2026, 11, 1, 6, 0).timestamp()
    assert next_change(schedule, utc(2026, 11, 1, 9, 0)) == utc(2026, 11, 2, 14, 0)  # EST


@pytest.mark.parametrize(
    ("schedule", "start", "days"),
    [
        ("office", utc(2026, 9, 24), 18),
        ("office", utc(2026, 12, 28), 8),
        ("night", utc(2026, 9, 16), 6),
        ("ny", utc(2026, 3, 5), 6),
        ("ny", utc(2026, 10, 30), 5),
    ],
)
def test_next_change_agrees_with_a_minute_by_minute_walk(
    office: Schedule, schedule: str, start: datetime, days: int
) -> None:
    """Each change found is where is_open flips when walked minute by minute (DST included)."""
    ny = parse_schedule(
        {"name": "ny", "timezone": "America/New_York",
         "weekly": {"fri": ["20:00-02:00"], "sun": ["00:00-01:30", "02:30-04:00"]}}
    )  # fmt: skip
    chosen = {"office": office, "night": night(), "ny": ny}[schedule]
    walked = []
    moment = start
    while moment < start + timedelta(days=days):
        later = moment + timedelta(minutes=1)
        if is_open(chosen, later) != is_open(chosen, moment):
            walked.append(later.timestamp())
        moment = later
    found = []
    change = next_change(chosen, start)
    while change is not None and change < start + timedelta(days=days):
        found.append(change.timestamp())
        change = next_change(chosen, change)
    assert found == walked
    assert len(found) >= 4


def test_always_open_and_never_open_have_no_next_change() -> None:
    always = parse_schedule(
        {"name": "24x7", "timezone": "UTC", "weekly": {d: ["00:00-24:00"] for d in
         ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}}
    )  # fmt: skip
    never = parse_schedule({"name": "closed", "timezone": "UTC", "weekly": {}})
    assert is_open(always, utc(2026, 5, 5, 23, 59)) and not is_open(never, utc(2026, 5, 5))
    assert next_change(always, utc(2026, 5, 5)) is None
    assert next_change(never, utc(2026, 5, 5)) is None


def spec(**changes: Any) -> dict[str, Any]:
    """Return a valid schedule's JSON with some fields changed (None: removed)."""
    base: dict[str, Any] = {"name": "support", "timezone": "Asia/Shanghai",
                            "weekly": {"mon": ["09:00-18:00"]}}  # fmt: skip
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"weekly": {"mon": ["25:00-26:00"]}}, ValueError,
         "schedule 'support': range '25:00-26:00' on mon is not HH:MM-HH:MM"),
        ({"weekly": {"mon": ["09:00-09:60"]}}, ValueError, "'09:00-09:60' on mon is not"),
        ({"weekly": {"mon": ["24:00-06:00"]}}, ValueError, "'24:00-06:00' on mon is not"),
        ({"weekly": {"mon": ["9-18"]}}, ValueError, "'9-18' on mon is not HH:MM-HH:MM"),
        ({"weekly": {"mon": "09:00-18:00"}}, ValueError, "hours on mon must be a list"),
        ({"weekly": {"mon": ["09:00-09:00"]}}, ValueError, "'09:00-09:00' on mon is empty"),
        ({"weekly": {"monday": ["09:00-18:00"]}}, ValueError, "weekly day 'monday' is not one"),
        ({"weekly": None}, KeyError, "schedule 'support': missing 'weekly'"),
        ({"timezone": None}, KeyError, "schedule 'support': missing 'timezone'"),
        ({"timezone": "Asia/Beijing"}, ValueError, "timezone 'Asia/Beijing' is not an IANA"),
        ({"name": ""}, KeyError, "a schedule needs a 'name'"),
        ({"holidays": ["2026-02-30"]}, ValueError, "holiday date '2026-02-30' is not YYYY-MM-DD"),
        ({"holidays": [{"until": "2026-10-08"}]}, KeyError, "an entry of holidays has no 'date'"),
        ({"holidays": [{"date": "2026-10-08", "until": "2026-10-01"}]}, ValueError,
         "holiday 2026-10-08..2026-10-01 must run forward"),
        ({"holidays": [{"date": "2026-10-01", "until": "2026-10-03"}, "2026-10-02"]}, ValueError,
         "holiday 2026-10-02 is listed twice"),
        ({"holidays": [{"date": "2026-12-24", "hours": ["9:00-25:00"]}]}, ValueError,
         "range '9:00-25:00' on holiday 2026-12-24 is not HH:MM-HH:MM"),
        ({"workdays": ["2026-09-27"]}, ValueError,
         "workday 2026-09-27 needs 'like' (a weekday) or 'hours'"),
        ({"workdays": [{"date": "2026-09-27", "like": "sun"}]}, ValueError,
         "workday 2026-09-27 would have no hours"),
        ({"workdays": [{"date": "2026-09-27", "like": "funday"}]}, ValueError,
         "workday 2026-09-27 like 'funday' is not a weekday"),
        ({"workdays": {"date": "2026-09-27"}}, ValueError, "workdays must be a list"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field(
    changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        parse_schedule(spec(**changes))
    assert message in str(caught.value.args[0])


def test_a_workday_overrides_a_holiday_on_the_same_date() -> None:
    """Precedence: workday override, then holiday, then the weekly hours."""
    both = parse_schedule(
        spec(holidays=["2026-09-28"], workdays=[{"date": "2026-09-28", "hours": ["10:00-11:00"]}])
    )
    assert is_open(both, shanghai(2026, 9, 28, 10, 30))
    assert not is_open(both, shanghai(2026, 9, 28, 9, 30))
    assert date(2026, 9, 28).weekday() == 0  # a Monday, whose weekly hours would open at 9
