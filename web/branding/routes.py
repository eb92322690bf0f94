"""The reseller's logo and colour stylesheet, and the brand every page template sees."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, send_file

from provisioning.profiles.unit import logo_file
from web.branding.services import current_brand, theme_css
from web.context import current_settings

bp = Blueprint("branding", __name__, url_prefix="/branding")
MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}
# An SVG opened on its own must not run scripts or load anything.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.app_context_processor
def brand_context() -> dict[str, Any]:
    """Give every page the reseller's brand (None: callbox's own look)."""
    return {"brand": current_brand(current_settings())}


@bp.get("/theme.css")
def theme() -> Response:
    """Serve the colours of the brand."""
    brand = current_brand(current_settings())
    if brand is None:
        abort(404)
    response = Response(theme_css(brand), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/logo")
def logo() -> Response:
    """Serve the logo of the brand."""
    path = logo_file(current_settings())
    if path is None:
        abort(404)
    response = send_file(path, mimetype=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                         max_age=86400)  # fmt: skip
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    return response
