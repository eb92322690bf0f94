"""The backups page (admins only): targets, schedules, the run log, "Back up now" with progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.backup import manager, runlog
from appliance.backup.exceptions import BackupError
from appliance.backup.targets.sftp import fingerprint, parse_host_key, scan_host_key
from appliance.store.models import BackupRun, BackupSchedule, BackupTarget
from web.admin import audit, backup_runs
from web.admin import backup_forms as forms
from web.admin.routes import bp
from web.admin.schemas import FieldError, parse_form
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings, current_store
from web.i18n import _
from web.reports.schedule_form import summary_of

Page = str | Response | tuple[str, int]


def _expired() -> str:
    """Return the message of a form whose CSRF token is missing or stale."""
    return _("The form expired. Please try again.")


def _get(model: type[BackupTarget] | type[BackupSchedule], object_id: int) -> Any:
    """Return the object of the URL (404 if none)."""
    obj = model.get_or_none(model.id == object_id)
    if obj is None:
        abort(404)
    return obj


@bp.get("/backups")
@role_required("admin")
def backups() -> str:
    """Show the targets, schedules and run log (with the progress of a run just started)."""
    return _overview()


def _overview(message: str = "") -> str:
    """Render the backups page."""
    zone = ZoneInfo(current_settings().timezone)
    return render_template(
        "admin/backups.html",
        targets=BackupTarget.select().order_by(BackupTarget.name),
        schedules=BackupSchedule.select().order_by(BackupSchedule.name),
        runs=runlog.recent(), when=lambda t: _when(t, zone), kinds=forms.KINDS,
        summary_of=summary_of, watch=request.args.get("run", type=int), message=message,
    )  # fmt: skip


def _when(at: float | None, zone: ZoneInfo) -> str:
    """Return a UNIX time as the box's local time ("" for none)."""
    return datetime.fromtimestamp(at, zone).strftime("%Y-%m-%d %H:%M:%S") if at else ""


@bp.get("/backups/runs/<int:run_id>.json")
@role_required("admin")
def backup_progress(run_id: int) -> Response:
    """Return a run's progress (the page polls it)."""
    run = BackupRun.get_or_none(BackupRun.id == run_id)
    if run is None:
        abort(404)
    return jsonify(backup_runs.progress_of(run))


@bp.post("/backups/schedules/<int:schedule_id>/run")
@role_required("admin")
def backup_now(schedule_id: int) -> Page:
    """Start a backup (or, with what=verify, a verify) of a schedule in the background."""
    schedule = _get(BackupSchedule, schedule_id)
    if not csrf_valid(request.form.get("csrf_token")):
        return _overview(_expired()), 400
    kind = "verify" if request.form.get("what") == "verify" else "backup"
    if kind == "verify" and runlog.newest_run("backup", schedule.id, status="ok") is None:
        flash(_("%(name)s has made no archive yet: nothing to verify.", name=schedule.name))
        return redirect(url_for("admin.backups"))
    run = backup_runs.start(current_store(), current_settings(), schedule, kind)
    audit.record(forms.AREA, f"schedule:{schedule.name}", f"{kind}_now", None, {"run": run.id})
    return redirect(url_for("admin.backups", run=run.id))


# --- targets ------------------------------------------------------------------------------


@bp.get("/backups/targets/new")
@role_required("admin")
def backup_target_new() -> str:
    """Show an empty target form."""
    return _target_form(None, forms.target_initial(None), {})


@bp.get("/backups/targets/<int:target_id>")
@role_required("admin")
def backup_target_edit(target_id: int) -> str:
    """Show a target's form (and its archives when asked: that reaches the target)."""
    target = _get(BackupTarget, target_id)
    archives, error = None, ""
    if request.args.get("archives"):
        try:
            with manager.target_of(current_settings(), target) as opened:
                archives = sorted(opened.names().items(), reverse=True)
        except (BackupError, OSError) as exc:
            error = _("The target cannot be read: %(why)s", why=str(exc))
    return _target_form(target, forms.target_initial(target), {}, error, archives=archives)


@bp.post("/backups/targets/new")
@role_required("admin")
def backup_target_create() -> Page:
    """Create a target from the form."""
    return _target_submit(None)


@bp.post("/backups/targets/<int:target_id>")
@role_required("admin")
def backup_target_update(target_id: int) -> Page:
    """Update a target from the form (or test it, or read the server's host key)."""
    target = _get(BackupTarget, target_id)
    action = request.form.get("action", "save")
    if action in ("test", "hostkey"):
        if not csrf_valid(request.form.get("csrf_token")):
            return _target_form(target, forms.target_initial(target), {}, _expired()), 400
        return _target_test(target) if action == "test" else _target_hostkey(target)
    return _target_submit(target)


@bp.post("/backups/targets/<int:target_id>/delete")
@role_required("admin")
def backup_target_delete(target_id: int) -> Page:
    """Delete a target no schedule uses."""
    target = _get(BackupTarget, target_id)
    if not csrf_valid(request.form.get("csrf_token")):
        return _target_form(target, forms.target_initial(target), {}, _expired()), 400
    try:
        forms.delete_target(current_settings(), target)
    except FieldError as exc:
        return _target_form(target, forms.target_initial(target), {}, str(exc)), 409
    flash(_("%(key)s deleted.", key=target.name))
    return redirect(url_for("admin.backups"))


def _target_submit(target: BackupTarget | None) -> Page:
    """Check the target form and save it, or show it again with its errors."""
    result = parse_form(forms.target_fields(), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _target_form(target, result.raw, {}, _expired()), 400
    if result.ok and forms.name_taken(BackupTarget, result.values["name"], target):
        result.errors["name"] = _("Another target has this name.")
    if result.ok:
        forms.check_target(result)
    if not result.ok:
        return _target_form(target, result.raw, result.errors,
                            _("Please correct the fields marked.")), 400  # fmt: skip
    saved = forms.save_target(current_settings(), target, result.values)
    flash(_("%(key)s saved.", key=saved.name))
    return redirect(url_for("admin.backup_target_edit", target_id=saved.id))


def _target_test(target: BackupTarget) -> Page:
    """Reach the target and say whether it works."""
    try:
        with manager.target_of(current_settings(), target) as opened:
            said = opened.check()
    except (BackupError, OSError) as exc:
        why = _("The target does not work: %(why)s", why=str(exc))
        return _target_form(target, forms.target_initial(target), {}, why), 502
    return _target_form(target, forms.target_initial(target), {},
                        notice=_("The target works: %(what)s", what=said))  # fmt: skip


def _target_hostkey(target: BackupTarget) -> Page:
    """Read the SFTP server's host key and show it with its fingerprint (saved only if asked)."""
    values = forms.target_initial(target)
    try:
        key = scan_host_key(values.get("host", ""), int(values.get("port") or 22))
    except (BackupError, ValueError) as exc:
        return _target_form(target, values, {}, str(exc)), 502
    values["host_key"] = key
    note = _("The server shows the key %(fp)s. Compare it with the server's own "
             "(ssh-keygen -lf on the server) and save only if they match.",
             fp=fingerprint(parse_host_key(key)))  # fmt: skip
    return _target_form(target, values, {}, notice=note)


def _target_form(
    target: BackupTarget | None, values: dict[str, str], errors: dict[str, str],
    message: str = "", notice: str = "", archives: list[tuple[str, int]] | None = None,
) -> str:  # fmt: skip
    """Render the target form."""
    return render_template(
        "admin/backup_target.html", target=target, fields=forms.target_fields(), values=values,
        errors=errors, message=message, notice=notice, archives=archives,
    )  # fmt: skip


# --- schedules ----------------------------------------------------------------------------


@bp.get("/backups/schedules/new")
@role_required("admin")
def backup_schedule_new() -> str:
    """Show an empty schedule form."""
    return _schedule_form(None, forms.schedule_initial(None), {})


@bp.get("/backups/schedules/<int:schedule_id>")
@role_required("admin")
def backup_schedule_edit(schedule_id: int) -> str:
    """Show a schedule's form."""
    schedule = _get(BackupSchedule, schedule_id)
    return _schedule_form(schedule, forms.schedule_initial(schedule), {})


@bp.post("/backups/schedules/new")
@role_required("admin")
def backup_schedule_create() -> Page:
    """Create a schedule from the form."""
    return _schedule_submit(None)


@bp.post("/backups/schedules/<int:schedule_id>")
@role_required("admin")
def backup_schedule_update(schedule_id: int) -> Page:
    """Update a schedule from the form."""
    return _schedule_submit(_get(BackupSchedule, schedule_id))


@bp.post("/backups/schedules/<int:schedule_id>/delete")
@role_required("admin")
def backup_schedule_delete(schedule_id: int) -> Page:
    """Delete a schedule (its archives stay on the target)."""
    schedule = _get(BackupSchedule, schedule_id)
    if not csrf_valid(request.form.get("csrf_token")):
        return _schedule_form(schedule, forms.schedule_initial(schedule), {}, _expired()), 400
    forms.delete_schedule(current_settings(), schedule)
    flash(_("%(key)s deleted.", key=schedule.name))
    return redirect(url_for("admin.backups"))


def _schedule_submit(schedule: BackupSchedule | None) -> Page:
    """Check the schedule form and save it, or show it again with its errors."""
    result = parse_form(forms.schedule_fields(), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _schedule_form(schedule, result.raw, {}, _expired()), 400
    if result.ok and forms.name_taken(BackupSchedule, result.values["name"], schedule):
        result.errors["name"] = _("Another schedule has this name.")
    if result.ok:
        forms.check_schedule(current_settings(), result, schedule)
    if not result.ok:
        return _schedule_form(schedule, result.raw, result.errors,
                              _("Please correct the fields marked.")), 400  # fmt: skip
    saved = forms.save_schedule(current_settings(), schedule, result.values)
    flash(_("%(key)s saved.", key=saved.name))
    return redirect(url_for("admin.backup_schedule_edit", schedule_id=saved.id))


def _schedule_form(
    schedule: BackupSchedule | None, values: dict[str, str], errors: dict[str, str],
    message: str = "",
) -> str:  # fmt: skip
    """Render the schedule form."""
    return render_template(
        "admin/backup_schedule.html", schedule=schedule, fields=forms.schedule_fields(),
        values=values, errors=errors, message=message,
        has_targets=BackupTarget.select().exists(),
    )  # fmt: skip
