"""Serving recordings to a logged-in user or a bearer-token holder."""

from __future__ import annotations

from flask import Blueprint, g, send_file
from werkzeug.wrappers import Response

from web.auth.guards import session_or_token_required, token_user
from web.context import current_settings
from web.recordings import services

bp = Blueprint("recordings", __name__, url_prefix="/recordings")


@bp.get("/<path:call_id>")
@session_or_token_required
def get_recording(call_id: str) -> Response:
    """Send the call's WAV (with Range support, so players can seek)."""
    user = g.get("user") or token_user()
    assert user is not None  # session_or_token_required let the request in
    path = services.recording_path(current_settings().paths.recordings, call_id, user)
    return send_file(path, mimetype="audio/wav", download_name=f"{call_id}.wav", conditional=True)
