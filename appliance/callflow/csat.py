"""Customer satisfaction from post-call survey answers, by agent, queue or day.

Answers are plain mappings with ``score`` (None: no answer given), ``agent``, ``queue``
and ``at`` (UNIX seconds): survey.answered events' data with their time, or
`survey_result` rows.  Formula: docs/metrics.md, "Customer satisfaction".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SATISFIED_FROM = 4  # on the usual 1–5 keys, 4 and 5 are "satisfied" (top two boxes)
GROUPS = ("agent", "queue", "day")

Answer = Mapping[str, Any]


@dataclass(frozen=True)
class Csat:
    """Survey figures of a group of answers."""

    answers: int = 0  # every answer, scored or not
    scored: int = 0
    satisfied: int = 0  # scored at least SATISFIED_FROM
    csat: float | None = None  # satisfied / scored, percent
    average: float | None = None  # mean score, to 0.01


def answers_from_events(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the survey answers that survey.answered events hold."""
    return [{**e["data"], "at": e["at"]} for e in events if e["kind"] == "survey.answered"]


def csat(answers: Iterable[Answer], satisfied_from: int = SATISFIED_FROM) -> Csat:
    """Return the survey figures of the answers."""
    answers = list(answers)
    scores = [int(a["score"]) for a in answers if a.get("score") is not None]
    satisfied = sum(score >= satisfied_from for score in scores)
    if not scores:
        return Csat(answers=len(answers))
    rate = round(100.0 * satisfied / len(scores), 1)
    return Csat(len(answers), len(scores), satisfied, rate, round(sum(scores) / len(scores), 2))


def csat_by(
    answers: Iterable[Answer],
    group: str,
    timezone: str = "UTC",
    satisfied_from: int = SATISFIED_FROM,
) -> dict[str, Csat]:
    """Return csat per agent, queue or local day (answers without one left out), sorted."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    zone = ZoneInfo(timezone)
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        key = (
            datetime.fromtimestamp(float(answer["at"]), zone).date().isoformat()
            if group == "day"
            else answer.get(group)
        )
        if key:
            groups.setdefault(str(key), []).append(answer)
    return {key: csat(groups[key], satisfied_from) for key in sorted(groups)}
