"""The wizard's pages: thin; the checks are in schemas, the work in services."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from web.auth import services as auth
from web.auth import throttle
from web.auth.guards import role_required
from web.context import current_settings
from web.exceptions import JSON_PREFIXES, Forbidden
from web.i18n import _
from web.setup import const, engine, ivr, schemas, services
from web.setup.token import admin_exists, matching_hash, proof_valid

bp = Blueprint("setup", __name__, url_prefix="/setup")
Page = str | Response | tuple[str, int]
OPEN_AREAS = ("setup.", "health.", "auth.logout")


@bp.before_app_request
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


def _page(step: str, status: int = 200, **context: Any) -> Page:
    """Render step's page with the wizard's progress."""
    context.setdefault("form", {})
    context.setdefault("errors", {})
    html = render_template(
        f"setup/{step}.html", step=step, const=const, reached=services.reached, **context
    )
    return (html, status) if status != 200 else html


def _csrf_ok() -> bool:
    """Return true if the posted form carries this session's CSRF token."""
    return auth.csrf_valid(request.form.get("csrf_token"))


def _expired() -> dict[str, str]:
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
            if request.method == "POST" and not _csrf_ok():
                return _page(step, 400, form=request.form, errors=_expired(), **_extra(step))
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _extra(step: str) -> dict[str, Any]:
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
            "trunk": services.choices("trunk"),
            "settings": settings,
            "states": engine.registration_states(settings, _agent_extensions()),
        }
    return {}


def _next(step: str) -> Response:
    """Redirect to the step after step."""
    return redirect(url_for(f"setup.{const.STEPS[const.STEPS.index(step) + 1]}"))


@bp.get("")
def index() -> Response:
    """Resume the wizard where it was left."""
    if not admin_exists():
        target = "setup.admin" if proof_valid(session.get("setup_proof")) else "setup.token"
        return redirect(url_for(target))
    if g.user is None:
        return redirect(url_for("auth.login", next=url_for("setup.index")))
    if g.user.role != "admin":
        raise Forbidden()
    return redirect(url_for(f"setup.{services.current_step()}"))


@bp.route("/token", methods=["GET", "POST"])
def token() -> Page:
    """Ask for the setup token printed on the console."""
    if admin_exists():
        return redirect(url_for("setup.index"))
    if request.method == "GET":
        return _page("token")
    if not _csrf_ok():
        return _page("token", 400, form=request.form, errors=_expired())
    address = request.remote_addr or ""
    wait = throttle.retry_after(None, address)
    if wait:
        message = _(
            "Too many wrong tokens. Try again in %(minutes)s minutes.",
            minutes=throttle.minutes(wait),
        )
        html = render_template(
            "setup/token.html",
            step="token",
            const=const,
            form=request.form,
            errors={"token": message},
        )
        response = make_response(html, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    proof = matching_hash(request.form.get("token", "")[:64])
    if proof is None:
        throttle.record_failure(throttle.SETUP_TOKEN, address)
        errors = {
            "token": _(
                "This is not the current setup token. Use the newest one printed on the console."
            )
        }
        return _page("token", 400, form=request.form, errors=errors)
    session["setup_proof"] = proof
    return redirect(url_for("setup.admin"))


@bp.route("/admin", methods=["GET", "POST"])
def admin() -> Page:
    """Create the administrator (with the setup token shown in this session)."""
    if admin_exists() or not proof_valid(session.get("setup_proof")):
        return redirect(url_for("setup.index"))
    if request.method == "GET":
        return _page("admin", form={"username": "admin"})
    form = {"username": request.form.get("username", "")}  # passwords are never sent back
    if not _csrf_ok():
        return _page("admin", 400, form=form, errors=_expired())
    checked = schemas.admin(request.form)
    try:
        if checked.ok:
            user = services.create_admin(
                checked.values["username"], checked.values["password"], _language()
            )
            _log_in(user)
            return redirect(url_for("setup.locale"))
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    return _page("admin", 400, form=form, errors=checked.errors)


def _language() -> str:
    """Return the language the wizard is shown in, for the new admin."""
    best = request.accept_languages.best_match(tuple(const.LANGUAGES))
    return best or "en"


def _log_in(user: Any) -> None:
    """Start the new admin's session (a fresh one: the setup proof does not survive)."""
    session.clear()
    session["user_id"] = user.get_id()
    session["auth"] = auth.session_fingerprint(user)


def _step_form(
    step: str, check: Callable[[], schemas.Checked], save: Callable[[dict[str, Any]], Any]
) -> Page:
    """Handle a posted step: check, save, go on; else show the errors with the input kept."""
    checked = check()
    try:
        if checked.ok:
            save(checked.values)
            return _next(step)
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    return _page(step, 400, form=request.form, errors=checked.errors, **_extra(step))


@bp.route("/locale", methods=["GET", "POST"])
@wizard_step("locale")
def locale() -> Page:
    """Choose the language and the time zone."""
    if request.method == "GET":
        chosen = services.choices("locale") or {
            "language": g.user.language,
            "timezone": current_settings().timezone,
        }
        return _page("locale", form=chosen, **_extra("locale"))
    return _step_form(
        "locale",
        lambda: schemas.locale(request.form),
        lambda v: services.save_locale(g.user, v["language"], v["timezone"]),
    )


@bp.route("/trunk", methods=["GET", "POST"])
@wizard_step("trunk")
def trunk() -> Page:
    """Connect a carrier: a registration or an IP peer."""
    chosen = services.choices("trunk")
    if request.method == "GET":
        return _page("trunk", form=chosen or {"kind": "register", "port": "5060"})
    return _step_form(
        "trunk", lambda: schemas.trunk(request.form, "id" in chosen), services.save_trunk
    )


@bp.route("/agents", methods=["GET", "POST"])
@wizard_step("agents")
def agents() -> Page:
    """Add agents in bulk: an extension range and their names."""
    if request.method == "GET":
        return _page("agents", **_extra("agents"))
    if request.form.get("action") == "continue" and services.wizard_agents():
        return _next("agents")
    checked = schemas.agents(request.form)
    try:
        if checked.ok:
            created = services.add_agents(checked.values["extensions"], checked.values["name_list"])
            engine.sync_phones(current_settings())
            engine.reload_engine(current_settings())
            session["setup_new_agents"] = [a.extension for a in created]
            return redirect(url_for("setup.credentials"))
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    return _page("agents", 400, form=request.form, errors=checked.errors, **_extra("agents"))


@bp.get("/agents/credentials")
@wizard_step("queue")
def credentials() -> Page:
    """Show the new agents' SIP passwords once, ready to print."""
    extensions = session.pop("setup_new_agents", [])
    if not extensions:
        return redirect(url_for("setup.agents"))
    agents = services.agents_by_extension(extensions)
    html = render_template(
        "setup/credentials.html",
        step="agents",
        const=const,
        reached=services.reached,
        agents=agents,
        settings=current_settings(),
    )
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"  # the passwords are shown once
    return response


@bp.route("/queue", methods=["GET", "POST"])
@wizard_step("queue")
def queue() -> Page:
    """Create the first queue and choose its agents."""
    if request.method == "GET":
        chosen = services.choices("queue")
        default = {"name": "support", "title": _("Support"), "strategy": "longest_idle"}
        members = chosen.get("members") or [a.extension for a in services.wizard_agents()]
        return _page("queue", form=chosen or default, members=members, **_extra("queue"))

    def save(values: dict[str, Any]) -> None:
        services.save_queue(values)
        engine.reload_engine(current_settings())

    return _step_form("queue", lambda: schemas.queue(request.form, _agent_extensions()), save)


def _agent_extensions() -> list[str]:
    """Return the extensions the queue step offers."""
    return [a.extension for a in services.wizard_agents()]


@bp.route("/ivr", methods=["GET", "POST"], endpoint="ivr")
@wizard_step("ivr")
def ivr_page() -> Page:
    """Answer a number with the template IVR: 1 for sales, 2 for support."""
    queues = [q.name for q in services.all_queues()]
    if request.method == "GET":
        first = services.choices("queue").get("name", queues[0] if queues else "")
        default = {"sales": first, "support": first, "language": "en", "number": ""}
        return _page("ivr", form=services.choices("ivr") or default, **_extra("ivr"))
    checked = schemas.ivr(request.form, queues)
    try:
        if checked.ok:
            how = ivr.save_ivr(current_settings(), checked.values)
            session["setup_ivr"] = how
            return redirect(url_for("setup.checklist"))
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    except engine.FlowRefused as exc:
        checked.errors["_form"] = _("The engine refused the IVR: %(reason)s", reason=str(exc))
    return _page("ivr", 400, form=request.form, errors=checked.errors, **_extra("ivr"))


@bp.get("/checklist")
@wizard_step("checklist")
def checklist() -> Page:
    """Show what to try for a first call, with the agents' phones' registration live."""
    return _page("checklist", **_extra("checklist"))


@bp.get("/checklist/status")
@role_required("admin")
def checklist_status() -> Response:
    """Return the registration of the wizard's agents' phones (polled by setup.js)."""
    return jsonify(engine.registration_states(current_settings(), _agent_extensions()))


@bp.post("/finish")
@wizard_step("checklist")
def finish() -> Response:
    """Close the wizard and go to the live page."""
    services.finish()
    return redirect(url_for("live.index"))
