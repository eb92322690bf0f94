"""Scheduled reports (admins only): list, create, edit, delete, and "send now" to test one."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.reports import mailing
from appliance.store.models import ReportSchedule
from web.admin.schemas import parse_form
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings
from web.i18n import _
from web.reports import schedule_form, services
from web.reports.routes import bp

Page = str | Response | tuple[str, int]


def _expired() -> str:
    """Return the message of a form whose CSRF token is missing or stale."""
    return _("The form expired. Please try again.")


def _schedule(schedule_id: int) -> ReportSchedule:
    """Return the schedule of the URL (404 if none)."""
    schedule = ReportSchedule.get_or_none(ReportSchedule.id == schedule_id)
    if schedule is None:
        abort(404)
    return schedule


@bp.get("/schedules")
@role_required("admin")
def schedules() -> str:
    """List the scheduled reports."""
    rows = ReportSchedule.select().order_by(ReportSchedule.name)
    return render_template("reports/schedules.html", rows=rows, form=schedule_form)


@bp.get("/schedules/new")
@role_required("admin")
def schedule_new() -> str:
    """Show an empty schedule form."""
    return _form(None, schedule_form.initial(None), {})


@bp.get("/schedules/<int:schedule_id>")
@role_required("admin")
def schedule_edit(schedule_id: int) -> str:
    """Show a schedule's form."""
    schedule = _schedule(schedule_id)
    return _form(schedule, schedule_form.initial(schedule), {})


@bp.post("/schedules/new")
@role_required("admin")
def schedule_create() -> Page:
    """Create a schedule from the form."""
    return _submit(None)


@bp.post("/schedules/<int:schedule_id>")
@role_required("admin")
def schedule_update(schedule_id: int) -> Page:
    """Update a schedule from the form."""
    return _submit(_schedule(schedule_id))


@bp.post("/schedules/<int:schedule_id>/delete")
@role_required("admin")
def schedule_delete(schedule_id: int) -> Page:
    """Delete a schedule."""
    schedule = _schedule(schedule_id)
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(schedule, schedule_form.initial(schedule), {}, _expired()), 400
    schedule_form.delete(schedule)
    flash(_("%(key)s deleted.", key=schedule.name))
    return redirect(url_for("reports.schedules"))


@bp.post("/schedules/<int:schedule_id>/send")
@role_required("admin")
def schedule_send(schedule_id: int) -> Page:
    """E-mail a schedule's report now, for the range it would cover now."""
    schedule = _schedule(schedule_id)
    values = schedule_form.initial(schedule)
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(schedule, values, {}, _expired()), 400
    try:
        mailing.send_report(schedule, current_settings(), time.time())
    except mailing.MailNotSetUp:
        return _form(schedule, values, {}, _("E-mail is not set up on this box (smtp).")), 409
    except Exception as exc:  # the SMTP server's refusal, told to the admin as it came
        return _form(schedule, values, {}, _("Sending failed: %(error)s", error=str(exc))), 502
    flash(_("Report sent to %(to)s.", to=", ".join(mailing.recipients(schedule.recipients))))
    return redirect(url_for("reports.schedule_edit", schedule_id=schedule.id))


def _submit(schedule: ReportSchedule | None) -> Page:
    """Check the form and save it, or show it again with its errors and what was typed."""
    result = parse_form(schedule_form.fields(), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(schedule, result.raw, {}, _expired()), 400
    if result.ok and schedule_form.name_taken(result.values["name"], schedule):
        result.errors["name"] = _("Another schedule has this name.")
    if not result.ok:
        return _form(
            schedule, result.raw, result.errors, _("Please correct the fields marked.")
        ), 400
    saved = schedule_form.save(schedule, result.values)
    flash(_("%(key)s saved.", key=saved.name))
    return redirect(url_for("reports.schedule_edit", schedule_id=saved.id))


def _form(
    schedule: ReportSchedule | None, values: dict[str, str], errors: dict[str, str],
    message: str = "",
) -> str:  # fmt: skip
    """Render the schedule form (message: what is wrong)."""
    return render_template(
        "reports/schedule.html", schedule=schedule, fields=schedule_form.fields(),
        values=values, errors=errors, message=message, last_sent=_when(schedule),
    )  # fmt: skip


def _when(schedule: ReportSchedule | None) -> str:
    """Return when a schedule's report was last sent, in the box's time zone ("" if never)."""
    if schedule is None or schedule.last_run_at is None:
        return ""
    zone = ZoneInfo(services.timezone())
    return datetime.fromtimestamp(schedule.last_run_at, zone).strftime("%Y-%m-%d %H:%M")
