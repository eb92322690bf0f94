"""The voicemail boxes page: list and create, a box's settings, its PIN, delete."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.store.models import VoicemailBox
from web.admin import audit, voicemail
from web.admin.routes import bp
from web.admin.schemas import parse_form
from web.admin.voicemail_form import PIN_FIELD, edit_fields, initial, new_fields
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.i18n import _

Page = str | Response | tuple[str, int]


@bp.get("/voicemail/")
@role_required("admin")
def voicemail_list() -> str:
    """List the boxes with the form for a new one."""
    return _list_page(initial(None), {}, "")


@bp.post("/voicemail/")
@role_required("admin")
def voicemail_create() -> Page:
    """Create a box; on errors show the form again with what was typed."""
    result = parse_form(new_fields(), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _list_page(result.raw, {}, _expired()), 400
    if not result.ok:
        return _list_page(result.raw, result.errors, _("Please correct the fields marked.")), 400
    try:
        box = voicemail.create(result.values)
    except voicemail.BoxRefused as exc:
        return _list_page(result.raw, {exc.field: str(exc)}, str(exc)), exc.status
    flash(_("%(key)s saved.", key=box.name))
    return redirect(url_for("admin.voicemail_box", name=box.name))


@bp.get("/voicemail/<name>")
@role_required("admin")
def voicemail_box(name: str) -> str:
    """Show a box's settings, PIN and history."""
    box = _box(name)
    return _box_page(box, initial(box), {}, "")


@bp.post("/voicemail/<name>")
@role_required("admin")
def voicemail_update(name: str) -> Page:
    """Change a box's settings and greeting through the engine; keep the input if refused."""
    box = _box(name)
    result = parse_form(edit_fields(), request.form)
    if not csrf_valid(request.form.get("csrf_token")):
        return _box_page(box, result.raw, {}, _expired()), 400
    if not result.ok:
        fix = _("Please correct the fields marked.")
        return _box_page(box, result.raw, result.errors, fix), 400
    try:
        voicemail.update(box, result.values)
    except voicemail.BoxRefused as exc:
        return _box_page(box, result.raw, {exc.field: str(exc)}, str(exc)), exc.status
    flash(_("%(key)s saved.", key=box.name))
    return redirect(url_for("admin.voicemail_box", name=box.name))


@bp.post("/voicemail/<name>/pin")
@role_required("admin")
def voicemail_pin(name: str) -> Page:
    """Set or clear a box's PIN (never shown back)."""
    box = _box(name)
    typed = {f.name: request.form.get(f.name, "") for f in edit_fields()}
    if not csrf_valid(request.form.get("csrf_token")):
        return _box_page(box, initial(box), {}, _expired()), 400
    try:
        note = _pin_change(box)
    except voicemail.BoxRefused as exc:
        values = typed if any(request.form.get(k) for k in typed) else initial(box)
        return _box_page(box, values, {exc.field: str(exc)}, str(exc)), exc.status
    flash(note)
    return redirect(url_for("admin.voicemail_box", name=box.name))


def _pin_change(box: VoicemailBox) -> str:
    """Do what the PIN form asks; return the note for the person."""
    if request.form.get("action") == "clear":
        voicemail.clear_pin(box)
        return _("The PIN of %(key)s is cleared: nobody can listen by phone.", key=box.name)
    pin = request.form.get("pin", "")
    if not pin:
        raise voicemail.BoxRefused(_("This field is required."), "pin", 400)
    try:
        PIN_FIELD.parse(pin)
    except ValueError as exc:
        raise voicemail.BoxRefused(str(exc), "pin", 400) from None
    voicemail.set_pin(box, pin)
    return _("The PIN of %(key)s is set.", key=box.name)


@bp.post("/voicemail/<name>/delete")
@role_required("admin")
def voicemail_delete(name: str) -> Page:
    """Delete a box; when refused, show its page again with what was typed."""
    box = _box(name)
    typed = {f.name: request.form.get(f.name, "") for f in edit_fields()}
    values = typed if "title" in request.form else initial(box)
    if not csrf_valid(request.form.get("csrf_token")):
        return _box_page(box, values, {}, _expired()), 400
    try:
        voicemail.delete(box)
    except voicemail.BoxRefused as exc:
        return _box_page(box, values, {}, str(exc)), exc.status
    flash(_("%(key)s deleted.", key=box.name))
    return redirect(url_for("admin.voicemail_list"))


def _expired() -> str:
    """Return what a form with a stale CSRF token says."""
    return _("The form expired. Please try again.")


def _box(name: str) -> VoicemailBox:
    """Return the box of the URL (404 if none)."""
    box = voicemail.row(name)
    if box is None:
        abort(404)
    return box


def _list_page(values: dict[str, str], errors: dict[str, str], message: str) -> str:
    """Render the boxes with the new box form."""
    return render_template(
        "admin/voicemail.html", boxes=voicemail.rows(), fields=new_fields(), values=values,
        errors=errors, message=message,
    )  # fmt: skip


def _box_page(box: VoicemailBox, values: dict[str, Any], errors: dict[str, str],
              message: str) -> str:  # fmt: skip
    """Render a box's settings, PIN form and history."""
    return render_template(
        "admin/voicemail_box.html", box=box, fields=edit_fields(), pin_field=PIN_FIELD,
        values=values, errors=errors, message=message, changed=audit.changed_keys,
        history=audit.entries(audit.AuditFilter(area=voicemail.AREA, object_key=box.name)),
    )  # fmt: skip
