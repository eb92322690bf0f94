"""Security headers on every response and the session cookie's flags.

The pages load scripts, styles and images from this site only: the policy below
lets nothing else run, and no other site may frame the UI (clickjacking).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

from appliance.config import Settings

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=()",
}
HSTS = "max-age=31536000"


def cookie_config(settings: Settings) -> dict[str, Any]:
    """Return the session cookie's flags: Secure wherever the web serves HTTPS."""
    return {"SESSION_COOKIE_SECURE": settings.web_https}


def add_headers(response: Response) -> Response:
    """Set the security headers a view did not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response, error pages included."""
    app.after_request(add_headers)
