"""Scorecards and the score of an evaluation: validation and the weighted percentage.

A scorecard is a list of criteria, each with a label, a weight and the most points
a call can earn on it.  An evaluation gives each criterion whole points from 0 to
its maximum; its score is the weighted percentage

    score = 100 × Σ weight_i × points_i / max_i  ÷  Σ weight_i

so a criterion of weight 2 counts twice as much as one of weight 1 whatever their
maximum points.  Evaluations keep a snapshot of the criteria they were scored
against (`QaEvaluation.criteria`), so editing a scorecard never changes a past score.

Problems are returned as `Problem` codes, not sentences: the web layer words them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

MAX_CRITERIA = 30
MAX_LABEL = 100
MAX_WEIGHT = 100.0
MAX_POINTS = 100


class ProblemCode(StrEnum):
    """What can be wrong with a scorecard or an evaluation."""

    NO_CRITERIA = "no-criteria"
    TOO_MANY = "too-many-criteria"
    EMPTY_LABEL = "empty-label"
    LONG_LABEL = "label-too-long"
    DUPLICATE_LABEL = "duplicate-label"
    BAD_WEIGHT = "weight-not-positive"
    BIG_WEIGHT = "weight-too-big"
    BAD_MAX = "max-points-not-positive"
    BIG_MAX = "max-points-too-big"
    MISSING_POINTS = "points-missing"
    NEGATIVE_POINTS = "points-negative"
    ABOVE_MAX = "points-above-max"


@dataclass(frozen=True)
class Problem:
    """One thing wrong: its code and the criterion it is about (index, None: the whole)."""

    code: ProblemCode
    index: int | None = None


@dataclass(frozen=True)
class Criterion:
    """One line of a scorecard: what is judged, how much it weighs, its most points."""

    label: str
    weight: float
    max_points: int

    def as_dict(self) -> dict[str, Any]:
        """Return the criterion as stored in JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        """Return a criterion from its stored JSON."""
        return cls(str(data["label"]), float(data["weight"]), int(data["max_points"]))


def criterion_problems(index: int, criterion: Criterion) -> list[Problem]:
    """Return what is wrong with one criterion on its own."""
    found = []
    if not criterion.label.strip():
        found.append(Problem(ProblemCode.EMPTY_LABEL, index))
    elif len(criterion.label) > MAX_LABEL:
        found.append(Problem(ProblemCode.LONG_LABEL, index))
    if not criterion.weight > 0:  # also refuses NaN
        found.append(Problem(ProblemCode.BAD_WEIGHT, index))
    elif criterion.weight > MAX_WEIGHT:
        found.append(Problem(ProblemCode.BIG_WEIGHT, index))
    if criterion.max_points < 1:
        found.append(Problem(ProblemCode.BAD_MAX, index))
    elif criterion.max_points > MAX_POINTS:
        found.append(Problem(ProblemCode.BIG_MAX, index))
    return found


def scorecard_problems(criteria: Sequence[Criterion]) -> list[Problem]:
    """Return what is wrong with a scorecard's criteria (empty when it may be saved)."""
    if not criteria:
        return [Problem(ProblemCode.NO_CRITERIA)]
    found = [] if len(criteria) <= MAX_CRITERIA else [Problem(ProblemCode.TOO_MANY)]
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        found.extend(criterion_problems(index, criterion))
        key = criterion.label.strip().casefold()
        if key and key in seen:
            found.append(Problem(ProblemCode.DUPLICATE_LABEL, index))
        seen.add(key)
    return found


def points_problems(criteria: Sequence[Criterion], points: Sequence[int | None]) -> list[Problem]:
    """Return what is wrong with the points given per criterion (None: not given)."""
    found = []
    for index, criterion in enumerate(criteria):
        given = points[index] if index < len(points) else None
        if given is None:
            found.append(Problem(ProblemCode.MISSING_POINTS, index))
        elif given < 0:
            found.append(Problem(ProblemCode.NEGATIVE_POINTS, index))
        elif given > criterion.max_points:
            found.append(Problem(ProblemCode.ABOVE_MAX, index))
    return found


def score(criteria: Sequence[Criterion], points: Sequence[int]) -> float:
    """Return the weighted percentage (0–100, 2 decimals) of points; check them first."""
    if points_problems(criteria, points) or scorecard_problems(criteria):
        raise ValueError("points or criteria not valid; check them before scoring")
    total_weight = sum(c.weight for c in criteria)
    earned = sum(c.weight * p / c.max_points for c, p in zip(criteria, points, strict=True))
    return round(100.0 * earned / total_weight, 2)


def snapshot(criteria: Iterable[Criterion]) -> list[dict[str, Any]]:
    """Return the criteria as an evaluation keeps them."""
    return [c.as_dict() for c in criteria]


def from_snapshot(data: Iterable[Mapping[str, Any]]) -> list[Criterion]:
    """Return the criteria an evaluation or a scorecard keeps."""
    return [Criterion.from_dict(item) for item in data]
