"""Login and logout pages."""

from __future__ import annotations

from flask import Blueprint, g, make_response, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from web.auth import guards, services, throttle
from web.i18n import _

bp = Blueprint("auth", __name__)
bp.before_app_request(guards.load_session_user)
bp.add_app_template_global(services.csrf_token)


def _safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the live page (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("live.index")


@bp.get("/login")
def login() -> str | Response:
    """Show the login form (or move on if already logged in)."""
    if g.user is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=None, username="")


@bp.post("/login")
def login_submit() -> tuple[str, int] | Response:
    """Check the credentials; start a fresh session on success."""
    form = request.form
    username = form.get("username", "").strip()
    if not services.csrf_valid(form.get("csrf_token")):
        error = _("The form expired. Please try again.")
        return render_template("auth/login.html", error=error, username=username), 400
    address = request.remote_addr or ""
    wait = throttle.retry_after(username, address)
    if wait:
        return _throttled(username, wait)
    user = services.authenticate(username, form.get("password", ""))
    if user is None:
        throttle.record_failure(username, address)  # in the store: every worker counts it
        error = _("Wrong username or password.")
        return render_template("auth/login.html", error=error, username=username), 200
    throttle.forget_failures(username)
    session.clear()  # nothing set before login (e.g. by someone else) survives it
    session["user_id"] = user.get_id()
    session["auth"] = services.session_fingerprint(user)
    return redirect(_safe_next(form.get("next")))


def _throttled(username: str, wait: int) -> Response:
    """Answer 429 with Retry-After: too many failed logins lately."""
    error = _(
        "Too many failed logins. Try again in %(minutes)s minutes.", minutes=throttle.minutes(wait)
    )
    response = make_response(
        render_template("auth/login.html", error=error, username=username), 429
    )
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    if services.csrf_valid(request.form.get("csrf_token")):
        session.clear()
    return redirect(url_for("auth.login"))
