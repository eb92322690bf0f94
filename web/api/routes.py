"""REST API v1 routes."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from appliance.store.models import Cdr
from web.api import schemas, services
from web.auth.guards import token_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _recording_url(cdr: Cdr) -> str | None:
    """Return the absolute URL of cdr's recording, or None when it has none."""
    if not cdr.recording:
        return None
    return url_for("recordings.get_recording", call_id=cdr.call_id, _external=True)


@bp.get("/calls")
@token_required
def list_calls() -> Response:
    """Return call detail records, newest first; `next` is the cursor for the next page."""
    query = schemas.parse_calls_query(request.args)
    cdrs = services.list_calls(query)
    calls = [schemas.cdr_json(cdr, _recording_url(cdr)) for cdr in cdrs]
    following = cdrs[-1].call_id if len(cdrs) == query.limit else None
    return jsonify({"calls": calls, "next": following})
