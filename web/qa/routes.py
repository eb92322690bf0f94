"""The QA pages (质检): scorecards, scoring a call while listening, averages, my scores."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.admin import audit
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings
from web.i18n import _
from web.qa import schemas, services

bp = Blueprint("qa", __name__, url_prefix="/qa")
supervisors = role_required("admin", "supervisor")
everyone = role_required("agent", "supervisor", "admin")
Page = str | Response | tuple[str, int]


def _recordings() -> str:
    """Return the recordings folder."""
    return current_settings().paths.recordings


def _expired() -> str:
    """Return the message of a form posted without this session's CSRF token."""
    return _("The form expired. Please try again.")


# --- overview ---------------------------------------------------------------------
@bp.get("/")
@supervisors
def index() -> str:
    """Show averages per agent and queue, the latest evaluations and calls to score."""
    return _overview()


@bp.get("/score")
@supervisors
def find() -> Page:
    """Open the scoring page of the call id typed; say so when it has no recording."""
    call_id = request.args.get("call_id", "")
    if not call_id.strip():
        return _overview(call_id, _("This field is required.")), 400
    cdr = services.find_call(_recordings(), call_id, g.user)
    if cdr is None:
        return _overview(call_id, _("No recorded call has this id.")), 404
    return redirect(url_for("qa.score", call_id=cdr.call_id))


def _overview(call_id: str = "", message: str = "") -> str:
    """Render the overview (call_id and message: a search that found nothing)."""
    agent, queue = request.args.get("agent", ""), request.args.get("queue", "")
    return render_template(
        "qa/index.html", by_agent=services.averages_by("agent"),
        by_queue=services.averages_by("queue"), agent=agent, queue=queue,
        evaluations=services.recent_evaluations(agent, queue),
        calls=services.recent_recorded_calls(), call_id=call_id, message=message,
    )  # fmt: skip


# --- scorecards -------------------------------------------------------------------
@bp.get("/scorecards/")
@supervisors
def scorecards() -> str:
    """List the scorecards."""
    return render_template("qa/scorecards.html", cards=services.scorecards())


@bp.get("/scorecards/new")
@supervisors
def new_scorecard() -> str:
    """Show an empty scorecard form."""
    return _card_form(None, {}, {})


@bp.get("/scorecards/<int:card_id>")
@supervisors
def edit_scorecard(card_id: int) -> str:
    """Show a scorecard's form."""
    card = services.scorecard(card_id)
    typed = schemas.scorecard_initial(card.name, services.criteria_of(card))
    return _card_form(card, typed, {})


@bp.post("/scorecards/new")
@supervisors
def create_scorecard() -> Page:
    """Create a scorecard from the form."""
    return _save_card(None)


@bp.post("/scorecards/<int:card_id>")
@supervisors
def update_scorecard(card_id: int) -> Page:
    """Update a scorecard from the form (past evaluations keep their own criteria)."""
    return _save_card(services.scorecard(card_id))


@bp.post("/scorecards/<int:card_id>/delete")
@supervisors
def delete_scorecard(card_id: int) -> Page:
    """Delete a scorecard (past evaluations keep their own criteria)."""
    card = services.scorecard(card_id)
    if not csrf_valid(request.form.get("csrf_token")):
        typed = schemas.scorecard_initial(card.name, services.criteria_of(card))
        return _card_form(card, typed, {}, _expired()), 400
    services.delete_scorecard(card)
    flash(_("%(key)s deleted.", key=card.name))
    return redirect(url_for("qa.scorecards"))


def _save_card(card: Any) -> Page:
    """Check the scorecard form and save it, or show it again with errors and what was typed."""
    result = schemas.parse_scorecard(request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _card_form(card, result.raw, {}, _expired()), 400
    if result.ok:
        try:
            card = services.save_scorecard(card, result.values["name"], result.values["criteria"])
        except services.NameTaken:
            result.errors["name"] = _("A scorecard named %(name)s exists.",
                                      name=result.values["name"])  # fmt: skip
    if not result.ok:
        fix = _("Please correct the fields marked.")
        return _card_form(card, result.raw, result.errors, fix), 400
    flash(_("%(key)s saved.", key=card.name))
    return redirect(url_for("qa.edit_scorecard", card_id=card.id))


def _card_form(card: Any, typed: dict[str, str], errors: dict[str, str], message: str = "") -> str:
    """Render a scorecard's form."""
    return render_template(
        "qa/scorecard_form.html", card=card, values=typed, errors=errors, message=message,
        rows=schemas.row_count(typed), name_field=schemas.NAME_FIELD,
        history=services.history(card) if card is not None else [], changed=audit.changed_keys,
    )  # fmt: skip


# --- scoring a call ---------------------------------------------------------------
@bp.get("/calls/<path:call_id>")
@supervisors
def score(call_id: str) -> str:
    """Show the call's recording to listen to, next to the chosen scorecard's form."""
    cdr = services.recorded_call(_recordings(), call_id, g.user)
    return _score_page(cdr, _chosen(request.args.get("scorecard")), {}, {})


@bp.post("/calls/<path:call_id>")
@supervisors
def save_score(call_id: str) -> Page:
    """Save an evaluation, or show the form again with its errors and what was typed."""
    cdr = services.recorded_call(_recordings(), call_id, g.user)
    card = services.find_scorecard(request.form.get("scorecard", ""))
    if card is None:
        return _score_page(cdr, _chosen(None), {}, {}, _("Choose a scorecard.")), 400
    result = schemas.parse_evaluation(services.criteria_of(card), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _score_page(cdr, card, result.raw, {}, _expired()), 400
    if request.form.get("version") != services.version_of(card):
        changed = _("The scorecard was changed while you were scoring: check the points.")
        return _score_page(cdr, card, result.raw, {}, changed), 409
    if not result.ok:
        fix = _("Please correct the fields marked.")
        return _score_page(cdr, card, result.raw, result.errors, fix), 400
    evaluation = services.evaluate(
        cdr, card, result.values["points"], result.values["comment"], g.user
    )
    flash(_("Saved: %(score)s%%.", score=f"{evaluation.score:g}"))
    return redirect(url_for("qa.score", call_id=cdr.call_id, scorecard=card.id))


def _chosen(card_id: str | None) -> Any:
    """Return the scorecard chosen (the first one when none or an unknown one is)."""
    return services.find_scorecard(card_id or "") or next(iter(services.scorecards()), None)


def _score_page(
    cdr: Any, card: Any, typed: dict[str, str], errors: dict[str, str], message: str = ""
) -> str:
    """Render the scoring page of a call."""
    return render_template(
        "qa/score.html", cdr=cdr, card=card, cards=services.scorecards(),
        criteria=services.criteria_of(card) if card is not None else [], values=typed,
        errors=errors, message=message, comment_field=schemas.COMMENT_FIELD,
        version=services.version_of(card) if card is not None else "",
        evaluations=services.evaluations_of_call(cdr.call_id),
    )  # fmt: skip


# --- reading evaluations ----------------------------------------------------------
@bp.get("/evaluations/<int:evaluation_id>")
@everyone
def evaluation(evaluation_id: int) -> str:
    """Show one evaluation, criterion by criterion (an agent: of their own calls only)."""
    found = services.evaluation_for(evaluation_id, g.user)
    return render_template("qa/evaluation.html", evaluation=found, lines=services.lines(found))


@bp.post("/evaluations/<int:evaluation_id>/delete")
@supervisors
def delete_evaluation(evaluation_id: int) -> Page:
    """Delete an evaluation; its recording is then subject to the queue's retention again."""
    found = services.evaluation_for(evaluation_id, g.user)
    if not csrf_valid(request.form.get("csrf_token")):
        page = render_template("qa/evaluation.html", evaluation=found,
                               lines=services.lines(found), message=_expired())  # fmt: skip
        return page, 400
    services.delete_evaluation(found)
    flash(_("Evaluation deleted."))
    return redirect(url_for("qa.score", call_id=found.call_id))


@bp.get("/mine")
@everyone
def mine() -> str:
    """Show the scores and comments of my calls (agent console, read-only)."""
    return render_template("qa/mine.html", evaluations=services.my_evaluations(g.user))
