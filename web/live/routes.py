"""Live page and its event stream."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from web import sse
from web.auth import services as auth
from web.auth.guards import role_required
from web.context import current_settings
from web.exceptions import Forbidden
from web.i18n import _
from web.live import schemas, services
from web.operations import services as operations
from web.operations.routes import json_body
from web.wallboard.services import recent_broadcasts

bp = Blueprint("live", __name__, url_prefix="/live")


def _render_tables(board: schemas.Board) -> dict[str, str]:
    """Return the HTML of the calls and agents tables for board."""
    rows = schemas.present(board, current_settings().timezone)
    return {
        "calls": render_template("live/_calls.html", calls=rows["calls"]),
        "agents": render_template("live/_agents.html", agents=rows["agents"]),
    }


@bp.get("")
@role_required("admin", "supervisor")
def index() -> str:
    """Show the live page, filled from the engine now (the stream keeps it current)."""
    settings = current_settings()
    board = services.fetch_board(settings.engine.control_socket)
    rows = schemas.present(board, settings.timezone) if board else None
    broadcasts = [
        {**b, "at": schemas.clock(b["at"], schemas.zone(settings.timezone))}
        for b in recent_broadcasts()
    ]
    return render_template("live/index.html", rows=rows, broadcasts=broadcasts)


@bp.get("/events")
@role_required("admin", "supervisor")
def events() -> Response:
    """Stream the board and the engine's events as Server-Sent Events."""
    stream = services.LiveStream(
        current_settings().engine.control_socket,
        render=_render_tables,
        down_message=_("engine not running"),
        **sse.timing(),
    )
    return sse.response(stream)


@bp.post("/calls/<call_id>/<path:operation>")
@role_required("admin", "supervisor")
def call_operation(call_id: str, operation: str) -> Response:
    """Run an operation on a live call from the page (session and CSRF token)."""
    if not auth.csrf_valid(request.headers.get("X-CSRF-Token")):
        raise Forbidden(_("The form expired. Please try again."))
    return jsonify(operations.call_operation(call_id, operation, json_body()))
