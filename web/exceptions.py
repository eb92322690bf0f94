"""Errors the web layer answers with: JSON for API clients, an HTML page for people.

A `WebError` carries its HTTP shape (`status_code`, `error_id`, `message`).  Any
other exception is logged with its traceback and answered 500 `internal-error`:
the response never carries a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request, Response, jsonify, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from web.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

# Paths whose clients are programs: they get JSON errors whatever they accept.
JSON_PREFIXES = ("/api/", "/recordings/", "/healthz", "/reseller/api/")


class WebError(Exception):
    """An error with the HTTP status, stable error id and message to answer with."""

    status_code = 500
    error_id = "internal-error"
    default_message: Any = _l("Something went wrong on the box.")

    def __init__(
        self,
        message: Any = None,
        status_code: int | None = None,
        error_id: str | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))
        self.status_code = status_code or self.status_code
        self.error_id = error_id or self.error_id


class BadRequest(WebError):
    """The request's parameters are not valid."""

    status_code = 400
    error_id = "bad-request"
    default_message = _l("The request is not valid.")


class Unauthorized(WebError):
    """No valid credentials came with the request."""

    status_code = 401
    error_id = "unauthorized"
    default_message = _l("Log in or send a valid API token.")


class Forbidden(WebError):
    """The request was refused."""

    status_code = 403
    error_id = "forbidden"
    default_message = _l("You may not do this.")


class NotFound(WebError):
    """The thing asked for does not exist."""

    status_code = 404
    error_id = "not-found"
    default_message = _l("Not found.")


class TooLarge(WebError):
    """The request body is over the box's upload limit (read no further)."""

    status_code = 413
    error_id = "too-large"
    default_message = _l("The upload is too large; nothing was changed.")


def wants_json(req: Request) -> bool:
    """Return true when the client should get a JSON error rather than a page."""
    if req.path.startswith(JSON_PREFIXES) or "Authorization" in req.headers:
        return True
    best = req.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(error: WebError) -> Response:
    """Return the response for error, shaped for the client."""
    message = str(error.message)
    if wants_json(request):
        response = jsonify({"error": {"id": error.error_id, "message": message}})
    else:
        response = Response(_error_page(error, message), mimetype="text/html")
    response.status_code = error.status_code
    if error.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="callbox"'
    return response


def _error_page(error: WebError, message: str) -> str:
    """Return the HTML error page; a bare one if the page itself cannot be rendered."""
    try:
        return render_template("errors/error.html", error=error, message=message)
    except Exception:  # e.g. the store is down while rendering the layout
        log.exception("cannot render the error page")
        return f"<!doctype html><title>{error.status_code}</title><p>{escape(message)}</p>"


def _from_http_exception(exc: HTTPException) -> WebError:
    """Return the WebError matching one of werkzeug's (404 for unknown routes, 405...)."""
    code = exc.code or 500
    error_id = (exc.name or "error").lower().replace(" ", "-")
    known = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 413: TooLarge}
    if code in known:
        return known[code]()
    return WebError(exc.name, status_code=code, error_id=error_id)


def init_app(app: Flask) -> None:
    """Install the error handlers."""
    app.register_error_handler(WebError, error_response)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        """Answer werkzeug's errors in our shape."""
        return error_response(_from_http_exception(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        """Log the traceback for the operator; answer without it."""
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(WebError())
