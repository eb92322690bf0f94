"""The recording policy page (web/admin/recording.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.admin import recording
from web.admin.routes import bp
from web.admin.services import Refused
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings
from web.i18n import _


@bp.get("/recording")
@role_required("admin")
def recording_policy() -> str:
    """Show what is recorded."""
    return _page()


@bp.post("/recording")
@role_required("admin")
def recording_save() -> str | Response | tuple[str, int]:
    """Store the policy ticked on the form; on a refusal show the page and keep nothing."""
    if not csrf_valid(request.form.get("csrf_token")):
        return _page(_("The form expired. Please try again.")), 400
    try:
        note = recording.save(request.form)
    except Refused as exc:
        return _page(str(exc)), 409
    flash(note)
    return redirect(url_for("admin.recording_policy"))


def _page(error: str = "") -> str:
    """Render the policy page."""
    on = current_settings().engine.record_calls
    return render_template("admin/recording.html", **recording.policy(), error=error, box_on=on)
