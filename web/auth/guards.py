"""Who is asking: the session's user, an API token's user, and the decorators using them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for

from appliance.store.models import User
from web.auth import services
from web.exceptions import Forbidden, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])


def load_session_user() -> None:
    """Set g.user to the logged-in user, or None (a changed password ends the session)."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None or request.endpoint == "static":
        return
    user = User.get_or_none(id=user_id)
    if user is None or session.get("auth") != services.session_fingerprint(user):
        session.clear()
        return
    g.user = user


def login_required(view: F) -> F:
    """Send visitors without a session to the login page, then back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run view for a logged-in user only."""
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def token_user() -> User | None:
    """Return the user of the request's bearer token, or None."""
    token = services.bearer_token(request.headers.get("Authorization"))
    return services.user_for_token(token) if token else None


def token_required(view: F) -> F:
    """Answer 401 unless the request carries a valid bearer token."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run view for a token holder only."""
        g.api_user = token_user()
        if g.api_user is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def session_or_token_required(view: F) -> F:
    """Answer 401 unless the request has a logged-in session or a valid bearer token."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run view for a logged-in user or a token holder only."""
        if g.get("user") is None and token_user() is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapped)


ROLES = ("admin", "supervisor", "agent", "reseller")  # reseller: web/reseller/confine.py


def role_required(*roles: str) -> Callable[[F], F]:
    """Let in a logged-in user whose role is one of roles (403 otherwise; login if none).

    Every page of an area names its roles: ``@role_required("admin")`` for settings,
    ``@role_required("admin", "supervisor")`` for the wallboard, all three for the
    agent console.
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles must be some of {ROLES}, got {roles}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            """Run view for a logged-in user with one of the roles only."""
            user = g.get("user")
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate
