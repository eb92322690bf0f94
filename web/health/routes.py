"""GET /healthz: 200 while the store works (the body tells what is degraded), else 503."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from web.context import current_settings, current_store
from web.health import banner, services

bp = Blueprint("health", __name__)
bp.app_context_processor(banner.banner)  # the alert banner of every page (base.html)


@bp.get("/healthz")
def healthz() -> Response:
    """Report the health of every service of the box."""
    checks = services.check_services(current_settings(), current_store())
    healthy = all(check.get("ok") for check in checks.values())
    response = jsonify({"status": "ok" if healthy else "degraded", "services": checks})
    response.status_code = 200 if checks["store"]["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response
