"""Scorecards: validation of criteria and points, and the weighted percentage."""

from __future__ import annotations

import math

import pytest

from appliance.qa.scorecard import (
    MAX_CRITERIA,
    Criterion,
    Problem,
    ProblemCode,
    from_snapshot,
    points_problems,
    score,
    scorecard_problems,
    snapshot,
)

GREETING = Criterion("Greeting", 1, 5)
SOLVED = Criterion("Problem solved", 3, 10)


def test_the_score_is_the_weighted_percentage() -> None:
    # greeting 5/5 weighs 1, solved 5/10 weighs 3: (1×1 + 3×0.5) / 4 = 62.5 %
    assert score([GREETING, SOLVED], [5, 5]) == 62.5


def test_full_and_zero_points_give_100_and_0() -> None:
    assert score([GREETING, SOLVED], [5, 10]) == 100.0
    assert score([GREETING, SOLVED], [0, 0]) == 0.0


def test_the_score_is_rounded_to_two_decimals() -> None:
    assert score([Criterion("A", 1, 3)], [1]) == 33.33


def test_weights_count_whatever_the_maximum_points() -> None:
    small, big = Criterion("Small", 1, 2), Criterion("Big", 1, 100)
    assert score([small, big], [2, 0]) == score([small, big], [0, 100]) == 50.0


def test_a_valid_scorecard_has_no_problems() -> None:
    assert scorecard_problems([GREETING, SOLVED]) == []


def test_a_scorecard_needs_a_criterion() -> None:
    assert scorecard_problems([]) == [Problem(ProblemCode.NO_CRITERIA)]


@pytest.mark.parametrize(
    ("criterion", "code"),
    [
        (Criterion("  ", 1, 5), ProblemCode.EMPTY_LABEL),
        (Criterion("x" * 101, 1, 5), ProblemCode.LONG_LABEL),
        (Criterion("A", 0, 5), ProblemCode.BAD_WEIGHT),
        (Criterion("A", -2, 5), ProblemCode.BAD_WEIGHT),
        (Criterion("A", math.nan, 5), ProblemCode.BAD_WEIGHT),
        (Criterion("A", 101, 5), ProblemCode.BIG_WEIGHT),
        (Criterion("A", 1, 0), ProblemCode.BAD_MAX),
        (Criterion("A", 1, 101), ProblemCode.BIG_MAX),
    ],
)
def test_a_bad_criterion_is_named_by_its_index(criterion: Criterion, code: ProblemCode) -> None:
    assert scorecard_problems([GREETING, criterion]) == [Problem(code, 1)]


def test_duplicate_labels_are_refused_whatever_their_case() -> None:
    problems = scorecard_problems([GREETING, SOLVED, Criterion(" greeting", 2, 5)])
    assert problems == [Problem(ProblemCode.DUPLICATE_LABEL, 2)]


def test_too_many_criteria_are_refused() -> None:
    criteria = [Criterion(f"C{i}", 1, 1) for i in range(MAX_CRITERIA + 1)]
    assert scorecard_problems(criteria) == [Problem(ProblemCode.TOO_MANY)]


def test_points_are_checked_per_criterion() -> None:
    assert points_problems([GREETING, SOLVED], [5, 10]) == []
    assert points_problems([GREETING, SOLVED], [6, None]) == [
        Problem(ProblemCode.ABOVE_MAX, 0),
        Problem(ProblemCode.MISSING_POINTS, 1),
    ]
    assert points_problems([GREETING], [-1]) == [Problem(ProblemCode.NEGATIVE_POINTS, 0)]
    assert points_problems([GREETING, SOLVED], [1]) == [Problem(ProblemCode.MISSING_POINTS, 1)]


def test_scoring_bad_points_is_refused() -> None:
    with pytest.raises(ValueError, match="check them"):
        score([GREETING], [6])


def test_a_snapshot_reads_back_as_the_same_criteria() -> None:
    stored = snapshot([GREETING, SOLVED])
    assert stored[0] == {"label": "Greeting", "weight": 1, "max_points": 5}
    assert from_snapshot(stored) == [GREETING, SOLVED]
