"""The QA pages' work: scorecards, scoring a recorded call, averages, an agent's own scores.

Every change is written to the audit log (areas `qa-scorecards`, `qa-evaluations`).
An evaluation copies its scorecard's criteria (a snapshot, see
`appliance.qa.scorecard`): editing or deleting the scorecard later leaves past
scores as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import fn
from playhouse.shortcuts import model_to_dict

from appliance.qa import scorecard as rules
from appliance.store.database import db
from appliance.store.models import Agent, Cdr, QaEvaluation, QaScorecard, User, utcnow
from web.admin import audit
from web.exceptions import NotFound
from web.i18n import _
from web.recordings.services import recording_path

RECENT = 50
SCORECARDS_AREA = "qa-scorecards"
EVALUATIONS_AREA = "qa-evaluations"


class NameTaken(Exception):
    """Another scorecard has this name."""


@dataclass(frozen=True)
class Average:
    """The mean score of one agent or queue."""

    key: str
    title: str
    count: int
    average: float


# --- scorecards -------------------------------------------------------------------
def scorecards() -> list[QaScorecard]:
    """Return every scorecard by name."""
    return list(QaScorecard.select().order_by(QaScorecard.name))


def scorecard(scorecard_id: int) -> QaScorecard:
    """Return the scorecard, or raise NotFound."""
    card = QaScorecard.get_or_none(QaScorecard.id == scorecard_id)
    if card is None:
        raise NotFound(_("No such scorecard."))
    return card


def find_scorecard(card_id: str) -> QaScorecard | None:
    """Return the scorecard whose id is the text card_id, or None."""
    found: QaScorecard | None = None
    if card_id.isdigit():
        found = QaScorecard.get_or_none(QaScorecard.id == int(card_id))
    return found


def version_of(card: QaScorecard) -> str:
    """Return what changes whenever the scorecard is saved (the form carries it)."""
    return str(card.updated_at.isoformat())


def criteria_of(card: QaScorecard) -> list[rules.Criterion]:
    """Return a scorecard's criteria."""
    return rules.from_snapshot(card.criteria)


def save_scorecard(card: QaScorecard | None, name: str, criteria: list[rules.Criterion]) -> Any:
    """Create (card None) or update a scorecard; raise NameTaken if the name is another's."""
    taken = QaScorecard.select().where(QaScorecard.name == name)
    if card is not None:
        taken = taken.where(QaScorecard.id != card.id)
    if taken.exists():
        raise NameTaken(name)
    before = _described(card) if card is not None else None
    with db.atomic():
        card = card if card is not None else QaScorecard()
        card.name, card.criteria, card.updated_at = name, rules.snapshot(criteria), utcnow()
        card.save()
    audit.record(SCORECARDS_AREA, name, "update" if before else "create", before, _described(card))
    return card


def delete_scorecard(card: QaScorecard) -> None:
    """Delete a scorecard; its evaluations keep their own copy of the criteria."""
    before = _described(card)
    card.delete_instance()
    audit.record(SCORECARDS_AREA, card.name, "delete", before, None)


def _described(card: QaScorecard) -> dict[str, Any]:
    """Return a scorecard as the audit log shows it."""
    return {"name": card.name, "criteria": card.criteria}


def history(card: QaScorecard) -> list[Any]:
    """Return the audit entries of a scorecard."""
    return audit.entries(audit.AuditFilter(area=SCORECARDS_AREA, object_key=card.name))


# --- scoring a call ---------------------------------------------------------------
def recorded_call(recordings_dir: str, call_id: str, user: User) -> Cdr:
    """Return the CDR of a call with a recording on disk, or raise NotFound."""
    recording_path(recordings_dir, call_id, user)  # the recordings area's own checks
    cdr: Cdr = Cdr.get(Cdr.call_id == call_id)
    return cdr


def find_call(recordings_dir: str, call_id: str, user: User) -> Cdr | None:
    """Return the recorded call typed in a search box, or None."""
    try:
        return recorded_call(recordings_dir, call_id.strip(), user) if call_id.strip() else None
    except NotFound:
        return None


def evaluate(cdr: Cdr, card: QaScorecard, points: list[int], comment: str, by: User) -> Any:
    """Score a recorded call with a scorecard; keep the criteria with the score."""
    criteria = criteria_of(card)
    evaluation = QaEvaluation.create(
        call_id=cdr.call_id, scorecard=card, scorecard_name=card.name,
        criteria=rules.snapshot(criteria), points=points, score=rules.score(criteria, points),
        comment=comment, agent=cdr.agent or "", queue=cdr.queue or "", evaluator=by.username,
    )  # fmt: skip
    audit.record(EVALUATIONS_AREA, cdr.call_id, "create", None, _evaluation_view(evaluation))
    return evaluation


def delete_evaluation(evaluation: QaEvaluation) -> None:
    """Delete an evaluation (its recording is then subject to retention again)."""
    before = _evaluation_view(evaluation)
    evaluation.delete_instance()
    audit.record(EVALUATIONS_AREA, evaluation.call_id, "delete", before, None)


def _evaluation_view(evaluation: QaEvaluation) -> dict[str, Any]:
    """Return an evaluation as the audit log shows it."""
    view = model_to_dict(evaluation, recurse=False, exclude=[QaEvaluation.id])
    view["created_at"] = str(view["created_at"])
    return view


def evaluations_of_call(call_id: str) -> list[QaEvaluation]:
    """Return a call's evaluations, newest first."""
    query = QaEvaluation.select().where(QaEvaluation.call_id == call_id)
    return list(query.order_by(QaEvaluation.created_at.desc(), QaEvaluation.id.desc()))


def evaluation_for(evaluation_id: int, user: User) -> QaEvaluation:
    """Return an evaluation user may read (an agent: of their own calls), or raise NotFound."""
    found = QaEvaluation.get_or_none(QaEvaluation.id == evaluation_id)
    if found is None or (user.role == "agent" and not _is_theirs(found, user)):
        raise NotFound(_("No such evaluation."))
    return found


def _is_theirs(evaluation: QaEvaluation, user: User) -> bool:
    """Return true if the evaluated call was answered at user's phone."""
    return bool(user.extension) and evaluation.agent == user.extension


def lines(evaluation: QaEvaluation) -> list[tuple[rules.Criterion, int]]:
    """Return each criterion of an evaluation with the points it got."""
    return list(zip(rules.from_snapshot(evaluation.criteria), evaluation.points, strict=False))


# --- overviews --------------------------------------------------------------------
def recent_evaluations(agent: str = "", queue: str = "", limit: int = RECENT) -> list[Any]:
    """Return the newest evaluations, of one agent's calls or one queue's when given."""
    query = QaEvaluation.select().order_by(QaEvaluation.created_at.desc(), QaEvaluation.id.desc())
    if agent:
        query = query.where(QaEvaluation.agent == agent)
    if queue:
        query = query.where(QaEvaluation.queue == queue)
    return list(query.limit(limit))


def my_evaluations(user: User) -> list[QaEvaluation]:
    """Return the evaluations of the calls answered at user's phone, newest first."""
    if not user.extension:
        return []
    query = QaEvaluation.select().where(QaEvaluation.agent == user.extension)
    return list(query.order_by(QaEvaluation.created_at.desc(), QaEvaluation.id.desc()))


def recent_recorded_calls(limit: int = RECENT) -> list[Cdr]:
    """Return the newest calls with a recording (to pick one to score)."""
    query = Cdr.select().where(Cdr.recording.is_null(False), Cdr.recording != "")
    return list(query.order_by(Cdr.started_at.desc()).limit(limit))


def averages_by(column: str) -> list[Average]:
    """Return the mean score per agent ("agent") or per queue ("queue")."""
    key = getattr(QaEvaluation, column)
    query = (
        QaEvaluation.select(key.alias("key"), fn.COUNT(QaEvaluation.id).alias("n"),
                            fn.AVG(QaEvaluation.score).alias("mean"))
        .group_by(key).order_by(key).dicts()
    )  # fmt: skip
    names = _agent_names() if column == "agent" else {}
    rows: list[dict[str, Any]] = list(query)  # type: ignore[arg-type]  # .dicts()
    return [
        Average(row["key"], names.get(row["key"], ""), row["n"], round(row["mean"], 1))
        for row in rows
    ]


def _agent_names() -> dict[str, str]:
    """Return agents' names by extension."""
    return {a.extension: a.name for a in Agent.select(Agent.extension, Agent.name)}
