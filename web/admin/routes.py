"""The admin pages: list, create, edit and delete for every area; the audit log; status."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.admin import audit, services
from web.admin import status as system_status
from web.admin.areas import AREAS, Area
from web.admin.schemas import parse_form
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings
from web.i18n import _

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.context_processor(lambda: {"admin_areas": AREAS})
Page = str | Response | tuple[str, int]


def _area(name: str) -> Area:
    """Return the area named in the URL (404 if none)."""
    if name not in AREAS:
        abort(404)
    return AREAS[name]


def _object(area: Area, object_id: int) -> Any:
    """Return the object of the URL (404 if none)."""
    obj = area.get(object_id)
    if obj is None:
        abort(404)
    return obj


@bp.get("/")
@role_required("admin")
def index() -> str:
    """Show the admin areas."""
    return render_template("admin/index.html", areas=AREAS)


@bp.get("/<name>/")
@role_required("admin")
def listing(name: str) -> str:
    """List an area's objects."""
    area = _area(name)
    return render_template("admin/list.html", area=area, rows=area.rows())


@bp.get("/<name>/new")
@role_required("admin")
def new(name: str) -> str:
    """Show an empty form."""
    area = _area(name)
    return _form(area, None, area.initial(None), {})


@bp.get("/<name>/<int:object_id>")
@role_required("admin")
def edit(name: str, object_id: int) -> str:
    """Show an object's form."""
    area = _area(name)
    obj = _object(area, object_id)
    return _form(area, obj, area.initial(obj), {})


@bp.post("/<name>/new")
@role_required("admin")
def create(name: str) -> Page:
    """Create an object from the form."""
    return _submit(_area(name), None)


@bp.post("/<name>/<int:object_id>")
@role_required("admin")
def update(name: str, object_id: int) -> Page:
    """Update an object from the form."""
    area = _area(name)
    return _submit(area, _object(area, object_id))


@bp.post("/<name>/<int:object_id>/delete")
@role_required("admin")
def delete(name: str, object_id: int) -> Page:
    """Delete an object; when refused, show its form again with what was typed."""
    area = _area(name)
    obj = _object(area, object_id)
    fields = area.form_fields(obj)
    posted = any(f.name in request.form for f in fields)
    typed = {f.name: request.form.get(f.name, "") for f in fields} if posted else None
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(area, obj, typed, {}, _("The form expired. Please try again.")), 400
    try:
        saved = services.delete(area, obj)
    except services.Refused as exc:
        return _form(area, obj, typed, {}, str(exc)), 409
    flash(saved.note or _("%(key)s deleted.", key=area.key(obj)))
    return redirect(url_for("admin.listing", name=area.name))


def _submit(area: Area, obj: Any | None) -> Page:
    """Check the form and save it, or show it again with its errors and what was typed."""
    result = parse_form(area.form_fields(obj), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _form(area, obj, result.raw, {}, _("The form expired. Please try again.")), 400
    if result.ok:
        area.check(result, obj)
    if not result.ok:
        return _form(
            area, obj, result.raw, result.errors, _("Please correct the fields marked.")
        ), 400
    try:
        saved = services.save(area, obj, result.values)
    except services.Refused as exc:
        return _form(area, obj, result.raw, {}, str(exc)), 409
    note = saved.note or _("%(key)s saved.", key=area.key(saved.obj))
    if area.name == "agents" and obj is None and not result.values.get("sip_password"):
        # Shown once on the page, not flashed: the session cookie is signed, not secret.
        generated = _("SIP password of %(ext)s: %(password)s", ext=saved.obj.extension,
                      password=saved.obj.sip_password)  # fmt: skip
        return _form(area, saved.obj, None, {}, notice=f"{note} {generated}"), 201
    flash(note)
    return redirect(url_for("admin.edit", name=area.name, object_id=saved.obj.id))


def _form(
    area: Area,
    obj: Any | None,
    values: dict[str, str] | None,
    errors: dict[str, str],
    message: str = "",
    notice: str = "",
) -> str:
    """Render an area's form (message: what is wrong; notice: what was done)."""
    return render_template(
        "admin/form.html",
        area=area,
        obj=obj,
        fields=area.form_fields(obj),
        values=values or area.initial(obj),
        errors=errors,
        message=message,
        notice=notice,
        changed=audit.changed_keys,
        history=audit.entries(audit.AuditFilter(area=area.name, object_key=area.key(obj)))
        if obj is not None
        else [],
    )


@bp.get("/audit")
@role_required("admin")
def audit_log() -> str:
    """List the audit log, filtered by area, user, days and object."""
    args = request.args
    wanted = audit.AuditFilter(
        area=args.get("area", ""),
        username=args.get("user", ""),
        since=_day(args.get("since")),
        until=_day(args.get("until")),
        object_key=args.get("key", ""),
    )
    page = _page(args.get("page"))
    shown, older = audit.page_of(wanted, page)
    areas, users = audit.known_values()
    return render_template(
        "admin/audit.html", entries=shown, wanted=wanted, areas=areas, users=users,
        changed=audit.changed_keys, page=page, older=older,
    )  # fmt: skip


def _page(text: str | None) -> int:
    """Return a page number from the query (1 when missing or malformed)."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 100000 else 1


def _day(text: str | None) -> date | None:
    """Return a YYYY-MM-DD filter as a date, None when empty or malformed."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/status")
@role_required("admin")
def status() -> str:
    """Show the system status."""
    return render_template("admin/status.html", info=system_status.status(current_settings()))
