"""The voicemail pages: the boxes I may open, a box's messages, playing, heard, delete."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response

from web.agent.routes import check_csrf
from web.auth.guards import role_required
from web.context import current_settings
from web.i18n import _
from web.voicemail import services

bp = Blueprint("voicemail", __name__, url_prefix="/voicemail")
bp.before_request(check_csrf)
listeners = role_required("agent", "supervisor", "admin")
Page = str | Response | tuple[str, int]


@bp.get("/")
@listeners
def boxes() -> str:
    """List the boxes I may open with their new and old counts."""
    return render_template("voicemail/boxes.html", boxes=services.visible_boxes(g.user))


@bp.get("/<name>")
@listeners
def messages(name: str) -> str:
    """List a box's messages with a player each."""
    return _messages_page(name)


@bp.get("/<name>/<int:message_id>.wav")
@listeners
def audio(name: str, message_id: int) -> Response:
    """Send a message's WAV to the browser's player (with Range support)."""
    box = services.box_for(g.user, name)
    path = services.audio_path(current_settings().var, box, message_id)
    return send_file(path, mimetype="audio/wav", conditional=True,
                     download_name=f"voicemail-{box.name}-{message_id}.wav")  # fmt: skip


@bp.post("/<name>/<int:message_id>/<any(heard, delete):what>")
@listeners
def change(name: str, message_id: int, what: str) -> Page:
    """Mark a message heard or delete it; without the engine say so on the page."""
    box = services.box_for(g.user, name)
    try:
        services.change(box, message_id, what)
    except services.EngineDown as exc:
        return _messages_page(name, str(exc.message)), 503
    flash(_("Message deleted.") if what == "delete" else _("Message marked as heard."))
    return redirect(url_for("voicemail.messages", name=box.name))


def _messages_page(name: str, message: str = "") -> str:
    """Render a box's messages (message: what went wrong)."""
    box = services.box_for(g.user, name)
    return render_template(
        "voicemail/messages.html", box=box, messages=services.messages(box), message=message
    )
