"""POST /api/v1/calls/<id>/<operation> and /api/v1/agents/<extension>/state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from web.auth.guards import token_required
from web.exceptions import BadRequest
from web.i18n import _
from web.operations import services

bp = Blueprint("operations", __name__, url_prefix="/api/v1")

# operation in the URL → (engine command, body fields it takes)
CALL_OPERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hold": ("call.hold", ()),
    "resume": ("call.resume", ()),
    "transfer": ("call.transfer", ("target", "attended")),
    "transfer/complete": ("call.transfer.complete", ()),
    "transfer/cancel": ("call.transfer.cancel", ()),
    "conference": ("call.conference", ("target",)),
    "monitor": ("call.monitor", ("supervisor", "mode")),
    "takeover": ("call.takeover", ("supervisor",)),
    "notes": ("call.note", ("text",)),
}


def _body(fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the JSON body's known fields (400 if the body is not a JSON object)."""
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    return {k: body[k] for k in fields if k in body}


@bp.post("/calls/<call_id>/<path:operation>")
@token_required
def call_operation(call_id: str, operation: str) -> Response:
    """Run an operation on a live call (hold, transfer, monitor...)."""
    if operation not in CALL_OPERATIONS:
        known = ", ".join(CALL_OPERATIONS)
        raise BadRequest(
            _("Unknown operation %(name)s (known: %(known)s).", name=operation, known=known)
        )
    cmd, fields = CALL_OPERATIONS[operation]
    return jsonify(services.run(cmd, call_id=call_id, **_body(fields)))


@bp.post("/agents/<extension>/state")
@token_required
def agent_state(extension: str) -> Response:
    """Set an agent ready, not ready (with a reason), DND or logged out."""
    return jsonify(services.run("agent.state", extension=extension, **_body(("state", "reason"))))
