"""Keep a reseller to its own pages: everything else of the box is refused.

A reseller watches the units it sold; it is not a user of this box's call center.
The check runs before every request (after the session's user is known), so a page
added later is refused to resellers without naming them.  The front page and the live
page send a reseller to its units (where logging in lands).
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from werkzeug.wrappers import Response

from web.auth.guards import token_user
from web.exceptions import Forbidden

ALLOWED_BLUEPRINTS = frozenset({"reseller", "reseller_api", "auth", "branding"})
ALLOWED_ENDPOINTS = frozenset({"static"})
LANDING = frozenset({"index", "live.index"})


def confine_resellers() -> Response | None:
    """Refuse a reseller's request outside its pages; send it from the front pages to them."""
    user = g.get("user")
    if user is None and "Authorization" in request.headers and request.blueprint != "reseller_api":
        user = token_user()  # an API token of a reseller opens nothing either
    if user is None or user.role != "reseller" or _allowed():
        return None
    if request.endpoint in LANDING:
        return redirect(url_for("reseller.index"))
    raise Forbidden()


def _allowed() -> bool:
    """Return true if the request is for a page a reseller may open."""
    return request.blueprint in ALLOWED_BLUEPRINTS or request.endpoint in ALLOWED_ENDPOINTS
