"""The endpoint units POST their reports to (token per unit; JSON answers)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from web.reseller import intake

bp = Blueprint("reseller_api", __name__, url_prefix="/reseller/api")


@bp.post("/report")
def report() -> tuple[Response, int]:
    """Take one report: 401 without the unit's token, 400 when unreadable, 413 when too big."""
    unit = intake.unit_for(request.headers.get("Authorization"))
    request.max_content_length = intake.MAX_REPORT_BYTES  # refused before it is read
    body = request.get_data(cache=False)
    stored = intake.store(unit, intake.parse(body, request.content_length))
    return jsonify({"serial": stored.serial, "health": stored.health}), 200
