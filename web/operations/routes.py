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


def json_body() -> Any:
    """Return the request's JSON body ({} when empty; 400 when it is not JSON)."""
    if not request.data:
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest(_("The body must be a JSON object."))
    return body


@bp.post("/calls/<call_id>/<path:operation>")
@token_required
def call_operation(call_id: str, operation: str) -> Response:
    """Run an operation on a live call (hold, transfer, monitor...)."""
    return jsonify(services.call_operation(call_id, operation, json_body()))


@bp.post("/agents/<extension>/state")
@token_required
def agent_state(extension: str) -> Response:
    """Set an agent ready, not ready (with a reason), DND or logged out."""
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    fields = {k: body[k] for k in ("state", "reason") if k in body}
    return jsonify(services.run("agent.state", extension=extension, **fields))
