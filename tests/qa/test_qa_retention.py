"""Which recordings retention selects: by queue, age, evaluation; which paths are plausible."""

from __future__ import annotations

import pytest

from appliance.qa.retention import DAY_SECONDS, Recording, expired, oldest_kept, plausible_path

NOW = 1_800_000_000.0
DAYS = {"sales": 30, "support": 0}


def rec(call_id: str, queue: str | None, age_days: float) -> Recording:
    """Return a recording of a call that ended age_days ago."""
    return Recording(call_id, queue, f"2026/01/01/{call_id}.wav", NOW - age_days * DAY_SECONDS)


def test_a_recording_older_than_its_queue_retention_expires() -> None:
    old, young = rec("old", "sales", 31), rec("young", "sales", 29)
    assert expired([old, young], DAYS, set(), NOW) == [old]


def test_a_queue_with_zero_retention_keeps_forever() -> None:
    assert expired([rec("a", "support", 10_000)], DAYS, set(), NOW) == []


def test_an_evaluated_recording_is_kept() -> None:
    assert expired([rec("judged", "sales", 400)], DAYS, {"judged"}, NOW) == []


def test_calls_without_a_known_queue_are_kept() -> None:
    assert expired([rec("a", None, 400), rec("b", "gone", 400)], DAYS, set(), NOW) == []


def test_the_boundary_is_exactly_the_retention() -> None:
    assert expired([rec("edge", "sales", 30)], DAYS, set(), NOW) == []


def test_oldest_kept_is_the_shortest_retention() -> None:
    assert oldest_kept({"a": 30, "b": 7, "c": 0}, NOW) == NOW - 7 * DAY_SECONDS
    assert oldest_kept({"c": 0}, NOW) is None


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("2026/01/01/x.wav", True),
        ("../x.wav", False),
        ("2026/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("", False),
        ("a\\..\\b.wav", False),
    ],
)
def test_only_relative_paths_without_parent_steps_are_plausible(path: str, ok: bool) -> None:
    assert plausible_path(path) is ok
