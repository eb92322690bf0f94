"""Wallboard page, its event stream, and the supervisor's actions (agent state, broadcast)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from werkzeug.wrappers import Response

from web import sse, vendor
from web.auth import services as auth
from web.auth.guards import role_required
from web.context import current_settings, current_store
from web.exceptions import Forbidden, WebError
from web.i18n import _
from web.live.schemas import clock, zone
from web.wallboard import schemas, services

bp = Blueprint("wallboard", __name__, url_prefix="/wallboard")
ROLES = ("admin", "supervisor")
LIBRARIES = ("htmx", "chart")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """Give the wallboard's templates the state names and the box's clock."""
    tz = zone(current_settings().timezone)
    chinese = str(get_locale() or "").startswith("zh")
    return {
        "buckets": schemas.BUCKETS,
        "clock": lambda seconds: clock(seconds, tz),
        "reason_title": lambda r: r.title_zh if chinese and r.title_zh else r.title,
    }


def _board() -> dict[str, Any] | None:
    """Return the wallboard now, or None when the engine is not running."""
    settings = current_settings()
    view = services.engine_view(settings.engine.control_socket)
    if view is None:
        return None
    return services.build_board(view, services.box_zone(settings.timezone), time.time())


def _streamed_board() -> dict[str, Any] | None:
    """Return the wallboard for the stream, holding a store connection only meanwhile."""
    with current_store().connection_context():
        return _board()


def _render(board: dict[str, Any]) -> dict[str, str]:
    """Return the HTML of the board's parts."""
    return {
        "queues": render_template("wallboard/_queues.html", queues=board["queues"]),
        "agents": render_template("wallboard/_agents.html", agents=board["agents"]),
        "calls": render_template("wallboard/_calls.html", calls=board["calls"]),
    }


@bp.get("")
@role_required(*ROLES)
def index() -> str:
    """Show the wallboard (`?big=1`: big-screen mode, no navigation, large type)."""
    return render_template(
        "wallboard/index.html",
        board=_board(),
        big=request.args.get("big") in ("1", "true", "yes"),
        broadcasts=services.recent_broadcasts(),
        reasons=services.reason_codes(),
        agent_choices=services.agent_choices(),
        states=schemas.SETTABLE_STATES,
        missing=vendor.missing(*LIBRARIES),
        max_broadcast=schemas.MAX_BROADCAST,
    )


@bp.get("/events")
@role_required(*ROLES)
def events() -> Response:
    """Stream the wallboard and the engine's events (named `broadcast` among them) as SSE."""
    stream = services.WallboardStream(
        build=_streamed_board,
        socket_path=current_settings().engine.control_socket,
        render=_render,
        down_message=_("engine not running"),
        **sse.timing(),
    )
    return sse.response(stream)


@bp.post("/agents/<extension>/state")
@role_required(*ROLES)
def agent_state(extension: str) -> Response:
    """Set an agent's state (and not-ready reason) through the engine."""

    def act() -> str:
        change = schemas.state_change(request.form)
        services.set_agent_state(extension, change)
        label = schemas.SETTABLE_STATES[change.state]
        return _("Agent %(extension)s is now: %(state)s.", extension=extension, state=label)

    return _answer(act)


@bp.post("/broadcasts")
@role_required(*ROLES)
def broadcast() -> Response:
    """Store a message and send it to every agent's page and wallboard."""

    def act() -> str:
        text = schemas.broadcast_text(request.form)
        socket_path = current_settings().engine.control_socket
        if services.send_broadcast(socket_path, text, g.user.username):
            return _("Sent to all agents.")
        return _("Kept, but the engine is not running: agents see it when their page reloads.")

    return _answer(act)


def _answer(act: Callable[[], str]) -> Response:
    """Run a form's action: htmx gets a status fragment, a plain form goes back to the page."""
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if not auth.csrf_valid(request.form.get("csrf_token")):
            raise Forbidden(_("The form expired. Please try again."))
        message = act()
    except WebError as exc:
        if not htmx:
            raise
        return _fragment(str(exc.message), ok=False, status=exc.status_code)
    if not htmx:
        return redirect(url_for("wallboard.index"), 303)
    return _fragment(message, ok=True, status=200)


def _fragment(message: str, ok: bool, status: int) -> Response:
    """Return the result line htmx swaps in under the form."""
    html = render_template("wallboard/_result.html", message=message, ok=ok)
    return Response(html, status=status, mimetype="text/html")
