"""The campaign pages (admins and supervisors): list, form, start/pause/stop, detail, export."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.dialer.const import CampaignStatus
from appliance.store.models import Campaign
from web import vendor
from web.admin import audit
from web.agent.routes import when as local_time
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.dialer import engine, form, labels, services
from web.exceptions import Forbidden, NotFound
from web.i18n import _

bp = Blueprint("dialer", __name__, url_prefix="/campaigns")
supervisors = role_required("admin", "supervisor")
Page = str | Response | tuple[str, int]
ACTIONS = {
    "start": CampaignStatus.RUNNING,
    "pause": CampaignStatus.PAUSED,
    "stop": CampaignStatus.STOPPED,
}


@bp.before_request
def check_csrf() -> None:
    """Refuse a POST without the session's CSRF token (form field or X-CSRF-Token header)."""
    if request.method == "POST":
        token = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
        if not csrf_valid(token):
            raise Forbidden(_("The form expired. Please try again."))


@bp.context_processor
def _words() -> dict[str, Any]:
    """Give the dialer's templates its labels."""
    return {"dialer_labels": labels}


def campaign_or_404(campaign_id: int) -> Campaign:
    """Return the campaign of the URL, or 404."""
    row = Campaign.get_or_none(Campaign.id == campaign_id)
    if row is None:
        raise NotFound(_("No such campaign."))
    return row


@bp.get("/")
@supervisors
def index() -> str:
    """List the campaigns with their status, mode and progress."""
    rows = list(Campaign.select().order_by(Campaign.name))
    live, notice = engine.status()
    return render_template(
        "dialer/list.html",
        rows=rows,
        progress=services.progress(rows),
        live={r.get("id"): r for r in live},
        notice=notice,
    )


@bp.get("/new")
@supervisors
def new() -> str:
    """Show an empty campaign form."""
    return _form(None, form.initial(None), {})


@bp.get("/<int:campaign_id>/edit")
@supervisors
def edit(campaign_id: int) -> str:
    """Show a campaign's form."""
    row = campaign_or_404(campaign_id)
    return _form(row, form.initial(row), {})


@bp.post("/new")
@bp.post("/<int:campaign_id>/edit")
@supervisors
def save(campaign_id: int | None = None) -> Page:
    """Create or change a campaign, or show the form again with its errors and what was typed."""
    row = campaign_or_404(campaign_id) if campaign_id is not None else None
    result, settings = form.read(request.form, row)
    if not result.ok:
        return _form(row, result.raw, result.errors, _("Please correct the fields marked.")), 400
    before = services.describe(row) if row is not None else None
    saved = row if row is not None else Campaign()
    for key, value in settings.items():
        setattr(saved, key, value)
    saved.save()
    audit.record(
        services.AREA, saved.name, "update" if row else "create", before, services.describe(saved)
    )
    flash(_("%(name)s saved.", name=saved.name))
    return redirect(url_for("dialer.detail", campaign_id=saved.id))


def _form(
    row: Campaign | None, values: dict[str, str], errors: dict[str, str], message: str = ""
) -> str:
    """Render the campaign form."""
    history = (
        audit.entries(audit.AuditFilter(area=services.AREA, object_key=row.name))
        if row is not None
        else []
    )
    return render_template(
        "dialer/form.html",
        row=row,
        fields={f.name: f for f in form.fields()},
        values=values,
        errors=errors,
        message=message,
        form=form,
        history=history,
        changed=audit.changed_keys,
    )


@bp.post("/<int:campaign_id>/delete")
@supervisors
def delete(campaign_id: int) -> Page:
    """Delete a campaign; refused (409) while it runs."""
    row = campaign_or_404(campaign_id)
    try:
        services.delete(row)
    except services.Refused as exc:
        return _detail(row, str(exc)), 409
    flash(_("%(name)s deleted.", name=row.name))
    return redirect(url_for("dialer.index"))


@bp.post("/<int:campaign_id>/<any(start, pause, stop):action>")
@supervisors
def act(campaign_id: int, action: str) -> Page:
    """Start, pause or stop a campaign (the engine, or the store without it)."""
    row = campaign_or_404(campaign_id)
    try:
        note = services.move(row, ACTIONS[action])
    except services.Refused as exc:
        return _detail(row, str(exc)), 409
    status = services.status_label(Campaign.get_by_id(row.id).status)
    flash(_("%(name)s is %(status)s.", name=row.name, status=status) + (f" {note}" if note else ""))
    return redirect(url_for("dialer.detail", campaign_id=row.id))


@bp.get("/<int:campaign_id>")
@supervisors
def detail(campaign_id: int) -> str:
    """Show a campaign: live pacing figures, results, contacts."""
    return _detail(campaign_or_404(campaign_id))


def _detail(row: Campaign, message: str = "") -> str:
    """Render the detail page (message: what was refused)."""
    page = _page_number(request.args.get("page"))
    contacts, more = services.contacts_page(row, page)
    results = services.results(row)
    return render_template(
        "dialer/detail.html",
        row=row,
        message=message,
        progress=services.progress([row])[row.id],
        results=results,
        contacts=contacts,
        page=page,
        more=more,
        live=live_figures(row),
        missing=vendor.missing("chart"),
        chart=_chart(results),
    )


def _chart(results: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    """Return what the page's charts draw: dispositions and their counts, and the labels."""
    return {
        "dispositions": [
            labels.label(labels.DEFAULT_DISPOSITIONS, k) if k else _("None yet")
            for k, _n in results["disposition"]
        ],
        "counts": [n for _k, n in results["disposition"]],
        "labels": {
            "dialled": _("Dialled today"),
            "connected": _("Connected today"),
            "drop_rate": _("Drop rate today (%)"),
            "contacts": _("Contacts"),
        },
    }


def _page_number(text: str | None) -> int:
    """Return a page number from the query (1 when missing or malformed)."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 100000 else 1


def live_figures(row: Campaign) -> dict[str, Any]:
    """Return the engine's figures of one campaign with the store's progress and a notice."""
    found, notice = engine.status(row.id)
    mine = next((f for f in found if f.get("id") == row.id), None)
    if mine is None and not notice:
        notice = _("The engine is not dialling this campaign now.")
    progress = services.progress([row])[row.id]
    return {
        "engine": mine,
        "notice": notice,
        "status": row.status,
        "status_label": services.status_label(row.status),
        "progress": vars(progress),
    }


@bp.get("/<int:campaign_id>/live")
@supervisors
def live(campaign_id: int) -> Response:
    """Return the live figures as JSON (the detail page polls it)."""
    return jsonify(live_figures(campaign_or_404(campaign_id)))


@bp.get("/<int:campaign_id>/export.csv")
@supervisors
def export(campaign_id: int) -> Response:
    """Download the campaign's results as CSV (UTF-8 with a BOM, for Excel)."""
    row = campaign_or_404(campaign_id)
    headers = [
        _("Number"),
        _("Name"),
        _("Attempts"),
        _("Last outcome"),
        _("Disposition"),
        _("Notes"),
        _("Next attempt"),
        _("Done"),
    ]
    body = "\ufeff" + services.export_csv(row, headers, local_time)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="campaign-{row.id}.csv"'
    return response
