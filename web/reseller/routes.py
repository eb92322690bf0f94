"""The reseller's pages: units with health and versions, one unit, register and remove."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.health.alerts import CRITICAL
from web.agent.routes import check_csrf
from web.auth.guards import role_required
from web.i18n import _
from web.reseller import schemas, services

bp = Blueprint("reseller", __name__, url_prefix="/reseller")
bp.before_request(check_csrf)
resellers = role_required("reseller")
Page = str | Response | tuple[str, int]


@bp.get("/")
@resellers
def index() -> str:
    """List my units (sorted, filtered) and how many run each version."""
    wanted = schemas.unit_filter(request.args)
    return render_template(
        "reseller/index.html",
        rows=services.units(g.user, wanted),
        wanted=wanted,
        versions=services.version_summary(g.user),
        healths=schemas.HEALTHS,
    )


@bp.get("/units/<int:unit_id>")
@resellers
def unit(unit_id: int) -> str:
    """Show one unit: its latest report, active alerts and recent reports."""
    found = services.unit_of(g.user, unit_id)
    alerts = ((found.report or {}).get("health") or {}).get("alerts", [])
    return render_template(
        "reseller/unit.html",
        unit=found,
        stale=services.is_stale(found),
        alerts=sorted(alerts, key=lambda a: a.get("severity") != CRITICAL),
        reports=services.recent_reports(found),
    )


@bp.get("/units/new")
@resellers
def new_unit() -> str:
    """Show the form registering a unit."""
    return render_template("reseller/register.html", values={}, errors={})


@bp.post("/units/new")
@resellers
def register() -> Page:
    """Register a unit; show its token once."""
    values, errors = schemas.check_unit_form(request.form)
    if not errors:
        try:
            found, token = services.register(g.user, values["serial"], values["label"],
                                             values["token"])  # fmt: skip
        except services.UnitExists as exc:
            field = "token" if str(exc) == "token" else "serial"
            errors[field] = (_("Another unit has this token.") if field == "token" else
                             _("You have a unit with this serial."))  # fmt: skip
        else:
            url = url_for("reseller_api.report", _external=True)
            return render_template("reseller/registered.html", unit=found, token=token,
                                   report_url=url)  # fmt: skip
    return render_template("reseller/register.html", values=values, errors=errors), 400


@bp.post("/units/<int:unit_id>/delete")
@resellers
def remove(unit_id: int) -> Response:
    """Forget a unit and its reports."""
    found = services.unit_of(g.user, unit_id)
    services.remove(found)
    flash(_("Unit %(serial)s removed; its token no longer works.", serial=found.serial))
    return redirect(url_for("reseller.index"))
