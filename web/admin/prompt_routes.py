"""The prompts page: list and play, upload, text-to-speech, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, send_from_directory, url_for
from werkzeug.wrappers import Response

from appliance.prompts.const import LANGUAGES
from web.admin import prompts
from web.admin.routes import bp
from web.auth.guards import role_required
from web.auth.services import csrf_valid
from web.context import current_settings
from web.i18n import _

Page = str | Response | tuple[str, int]


@bp.get("/prompts")
@role_required("admin")
def prompts_list() -> str:
    """List the prompts with a player each."""
    return _page({}, "")


@bp.post("/prompts")
@role_required("admin")
def prompts_submit() -> Page:
    """Upload, speak or delete a prompt, as the button pressed says."""
    form = request.form
    typed = {k: form.get(k, "") for k in ("name", "language", "text", "action")}
    if not csrf_valid(form.get("csrf_token")):
        return _page(typed, _("The form expired. Please try again.")), 400
    try:
        note = _act(typed, form)
    except prompts.PromptRefused as exc:
        return _page(typed, str(exc), exc.field), 400 if exc.field else 503
    flash(note)
    return redirect(url_for("admin.prompts_list"))


def _act(typed: dict[str, str], form: Any) -> str:
    """Do what the form asks; return the note for the person."""
    name, language, by = typed["name"].strip(), typed["language"], g.user.username
    key = language + "/" + name
    if not name:
        raise prompts.PromptRefused(_("This field is required."), "name")
    if typed["action"] == "delete":
        prompts.delete(name, language, bool(form.get("force")))
        return _("%(key)s deleted.", key=key)
    if typed["action"] == "upload":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise prompts.PromptRefused(_("Choose a WAV or MP3 file."), "file")
        prompts.upload(current_settings(), upload.stream, name, language, by)
    else:
        prompts.speak(name, language, typed["text"], by)
    return _("%(key)s saved.", key=key)


@bp.get("/prompts/<language>/<name>.wav")
@role_required("admin")
def prompt_audio(language: str, name: str) -> Response:
    """Send a prompt's WAV to the browser's player."""
    if not prompts.playable(language, name):
        abort(404)
    folder = Path(current_settings().paths.prompts) / language
    return send_from_directory(folder, f"{name}.wav", mimetype="audio/wav")


def _page(typed: dict[str, str], message: str, field: str = "") -> str:
    """Render the prompts page (the list is empty when the engine cannot list it)."""
    try:
        found, down = prompts.listing(), ""
    except prompts.PromptRefused as exc:
        found, down = [], str(exc)
    return render_template(
        "admin/prompts.html", prompts=found, down=down, typed=typed, message=message,
        field=field, languages=LANGUAGES,
    )  # fmt: skip
