"""How the wizard's pages are guarded and rendered: the redirect to setup, steps, context."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.auth import services as auth
from web.auth.guards import role_required
from web.context import current_settings
from web.exceptions import JSON_PREFIXES
from web.i18n import _
from web.setup import const, engine, schemas, services
from web.setup.token import admin_exists

Page = str | Response | tuple[str, int]
OPEN_AREAS = ("setup.", "health.", "auth.logout", "phones.", "branding.")


def lead_to_setup() -> Response | None:
    """Send every page to the wizard while no admin exists (and the start page until done)."""
    endpoint = request.endpoint or ""
    if endpoint in ("", "static") or endpoint.startswith(OPEN_AREAS):
        return None
    if request.path.startswith(JSON_PREFIXES):  # programs: they get 401 without credentials
        return None
    if not admin_exists():
        return redirect(url_for("setup.index"))
    user = g.get("user")
    if endpoint == "index" and user is not None and user.role == "admin":
        return redirect(url_for("setup.index")) if services.in_progress() else None
    return None


def render_step(step: str, status: int = 200, **context: Any) -> Page:
    """Render step's page with the wizard's progress."""
    context.setdefault("form", {})
    context.setdefault("errors", {})
    html = render_template(
        f"setup/{step}.html", step=step, const=const, reached=services.reached, **context
    )
    return (html, status) if status != 200 else html


def csrf_ok() -> bool:
    """Return true if the posted form carries this session's CSRF token."""
    return auth.csrf_valid(request.form.get("csrf_token"))


def expired() -> dict[str, str]:
    """Return the errors of a form whose CSRF token is missing or stale."""
    return {"_form": _("The form expired. Please try again.")}


def wizard_step(step: str) -> Callable[[Callable[..., Page]], Callable[..., Page]]:
    """Let an admin open step once the wizard reached it; check the CSRF token of posts."""

    def decorate(view: Callable[..., Page]) -> Callable[..., Page]:
        @functools.wraps(view)
        @role_required("admin")
        def wrapped(*args: Any, **kwargs: Any) -> Page:
            """Run view for this step."""
            if not services.reached(step):
                return redirect(url_for("setup.index"))
            if request.method == "POST" and not csrf_ok():
                return render_step(
                    step, 400, form=request.form, errors=expired(), **step_context(step)
                )
            return view(*args, **kwargs)

        return wrapped

    return decorate


def step_context(step: str) -> dict[str, Any]:
    """Return what step's page shows besides its form (agents to pick, queues...)."""
    if step == "queue":
        return {"agents": services.wizard_agents()}
    if step == "ivr":
        return {"queue_options": [(q.name, q.name) for q in services.all_queues()]}
    if step == "locale":
        return {"zones": schemas.time_zones()}
    if step == "agents":
        return {"agents": services.wizard_agents()}
    if step == "checklist":
        settings = current_settings()
        return {
            "agents": services.wizard_agents(),
            "ivr": services.choices("ivr"),
            "choices_locale": services.choices("locale"),
            "trunk": services.choices("trunk"),
            "settings": settings,
            "states": engine.registration_states(settings, agent_extensions()),
        }
    return {}


def next_step(step: str) -> Response:
    """Redirect to the step after step."""
    return redirect(url_for(f"setup.{const.STEPS[const.STEPS.index(step) + 1]}"))


def agent_extensions() -> list[str]:
    """Return the extensions of the agents the wizard added."""
    return [a.extension for a in services.wizard_agents()]
