"""The QA forms: a scorecard (name and criteria rows) and an evaluation (points and comment).

Each parser returns a `QaForm`: what was typed (to show it again), the errors by
input name and, when there are none, the values.  The rules themselves live in
`appliance.qa.scorecard`; here they are only worded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from appliance.qa.scorecard import (
    MAX_CRITERIA,
    MAX_LABEL,
    MAX_POINTS,
    MAX_WEIGHT,
    Criterion,
    Problem,
    ProblemCode,
    points_problems,
    scorecard_problems,
)
from web.admin.schemas import Field, FieldError
from web.i18n import _
from web.i18n import lazy_gettext as _l

NAME_FIELD = Field("name", _l("Name"), required=True, max_length=100)
COMMENT_FIELD = Field("comment", _l("Comment"), kind="textarea", max_length=2000)
BLANK_ROWS = 2  # empty criterion rows offered after the typed ones
MIN_ROWS = 5  # a new scorecard's form shows this many
MAX_ROWS = MAX_CRITERIA + BLANK_ROWS  # rows read from a form (more are ignored)
NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


@dataclass
class QaForm:
    """A submitted QA form: the text typed, errors by input name, the parsed values."""

    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return true when no input has an error."""
        return not self.errors


def problem_text(problem: Problem, criteria: Sequence[Criterion] = ()) -> str:
    """Return a problem found by appliance.qa.scorecard in the user's words."""
    most = criteria[problem.index].max_points if problem.index is not None and criteria else 0
    texts = {
        ProblemCode.NO_CRITERIA: _("Add at least one criterion."),
        ProblemCode.TOO_MANY: _("At most %(n)d criteria.", n=MAX_CRITERIA),
        ProblemCode.EMPTY_LABEL: _("A criterion needs a label."),
        ProblemCode.LONG_LABEL: _("At most %(n)d characters.", n=MAX_LABEL),
        ProblemCode.DUPLICATE_LABEL: _("This label is already used by another criterion."),
        ProblemCode.BAD_WEIGHT: _("The weight must be above 0."),
        ProblemCode.BIG_WEIGHT: _("At most %(n)d.", n=int(MAX_WEIGHT)),
        ProblemCode.BAD_MAX: _("At least %(n)d.", n=1),
        ProblemCode.BIG_MAX: _("At most %(n)d.", n=MAX_POINTS),
        ProblemCode.MISSING_POINTS: _("This field is required."),
        ProblemCode.NEGATIVE_POINTS: _("At least %(n)d.", n=0),
        ProblemCode.ABOVE_MAX: _("At most %(n)d points.", n=most),
    }
    return texts[problem.code]


# --- the scorecard form -----------------------------------------------------------
INPUT_OF = {
    ProblemCode.EMPTY_LABEL: "label",
    ProblemCode.LONG_LABEL: "label",
    ProblemCode.DUPLICATE_LABEL: "label",
    ProblemCode.BAD_WEIGHT: "weight",
    ProblemCode.BIG_WEIGHT: "weight",
    ProblemCode.BAD_MAX: "max",
    ProblemCode.BIG_MAX: "max",
}


def scorecard_initial(name: str, criteria: Sequence[Criterion]) -> dict[str, str]:
    """Return a scorecard as its form shows it."""
    raw = {"name": name}
    for i, c in enumerate(criteria):
        weight = f"{c.weight:g}"
        raw.update({f"label-{i}": c.label, f"weight-{i}": weight, f"max-{i}": str(c.max_points)})
    return raw


def row_count(raw: Mapping[str, str]) -> int:
    """Return how many criterion rows the form shows: those typed and a few blank ones."""
    typed = [i for i in range(MAX_ROWS) if _row_text(raw, i) != ("", "", "")]
    return min(MAX_CRITERIA, max(MIN_ROWS, (typed[-1] + 1 if typed else 0) + BLANK_ROWS))


def parse_scorecard(form: Mapping[str, str]) -> QaForm:
    """Read the scorecard form; rows left wholly empty are ignored."""
    result = QaForm()
    try:
        result.values["name"] = NAME_FIELD.parse(form.get("name", ""))
    except FieldError as exc:
        result.errors["name"] = str(exc)
    result.raw["name"] = form.get("name", "")
    criteria, rows = [], []
    for i in range(MAX_ROWS):
        label, weight, most = _row_text(form, i)
        result.raw.update({f"label-{i}": label, f"weight-{i}": weight, f"max-{i}": most})
        if (label, weight, most) == ("", "", ""):
            continue
        parsed = _criterion(i, label.strip(), weight.strip(), most.strip(), result.errors)
        if parsed is not None:
            criteria.append(parsed)
            rows.append(i)
    if not any(k.startswith(("weight-", "max-")) for k in result.errors):  # every row parsed
        for problem in scorecard_problems(criteria):
            _place(problem, rows, result.errors)
    result.values["criteria"] = criteria
    return result


def _row_text(form: Mapping[str, str], i: int) -> tuple[str, str, str]:
    """Return the label, weight and maximum typed in row i."""
    return (form.get(f"label-{i}", ""), form.get(f"weight-{i}", ""), form.get(f"max-{i}", ""))


def _criterion(
    i: int, label: str, weight: str, most: str, errors: dict[str, str]
) -> Criterion | None:
    """Return row i as a Criterion, or None after adding its type errors to errors."""
    for key, text in ((f"weight-{i}", weight), (f"max-{i}", most)):
        if not text:
            errors[key] = _("This field is required.")
    if weight and (not NUMBER.fullmatch(weight) or not math.isfinite(float(weight))):
        errors[f"weight-{i}"] = _("Enter a number, e.g. 1 or 2.5.")
    if most and not re.fullmatch(r"-?[0-9]{1,6}", most):
        errors[f"max-{i}"] = _("Enter a whole number.")
    if any(k in errors for k in (f"weight-{i}", f"max-{i}")):
        return None
    return Criterion(label, float(weight), int(most))


def _place(problem: Problem, rows: Sequence[int], errors: dict[str, str]) -> None:
    """Put a scorecard problem next to the input it is about (the whole form if none)."""
    if problem.index is None:
        errors.setdefault("criteria", problem_text(problem))
        return
    errors.setdefault(f"{INPUT_OF[problem.code]}-{rows[problem.index]}", problem_text(problem))


# --- the evaluation form ----------------------------------------------------------
def parse_evaluation(criteria: Sequence[Criterion], form: Mapping[str, str]) -> QaForm:
    """Read the points per criterion and the comment."""
    result = QaForm()
    points: list[int | None] = []
    for i in range(len(criteria)):
        text = form.get(f"points-{i}", "").strip()
        result.raw[f"points-{i}"] = form.get(f"points-{i}", "")
        points.append(_points(text, f"points-{i}", result.errors))
    for problem in points_problems(criteria, points):
        result.errors.setdefault(f"points-{problem.index}", problem_text(problem, criteria))
    result.raw["comment"] = form.get("comment", "")
    try:
        result.values["comment"] = COMMENT_FIELD.parse(result.raw["comment"]).strip()
    except FieldError as exc:
        result.errors["comment"] = str(exc)
    result.values["points"] = points
    return result


def _points(text: str, key: str, errors: dict[str, str]) -> int | None:
    """Return the points typed, None if empty or not a whole number (saying so in errors)."""
    if text and not re.fullmatch(r"-?[0-9]{1,6}", text):
        errors[key] = _("Enter a whole number.")
        return None
    return int(text) if text else None
