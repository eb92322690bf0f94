"""The wizard's pages: thin; the checks are in schemas, the work in services."""

from __future__ import annotations

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
from web.exceptions import Forbidden
from web.i18n import _
from web.setup import const, engine, ivr, pages, schemas, services
from web.setup.pages import (
    Page,
    agent_extensions,
    csrf_ok,
    expired,
    next_step,
    render_step,
    step_context,
    wizard_step,
)
from web.setup.token import admin_exists, matching_hash, proof_valid

bp = Blueprint("setup", __name__, url_prefix="/setup")
bp.before_app_request(pages.lead_to_setup)


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
        return render_step("token")
    if not csrf_ok():
        return render_step("token", 400, form=request.form, errors=expired())
    address = request.remote_addr or ""
    wait = throttle.retry_after(None, address)
    if wait:
        message = _(
            "Too many wrong tokens. Try again in %(minutes)s minutes.",
            minutes=throttle.minutes(wait),
        )
        page = render_step("token", 429, form=request.form, errors={"token": message})
        response = make_response(page)
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
        return render_step("token", 400, form=request.form, errors=errors)
    session["setup_proof"] = proof
    return redirect(url_for("setup.admin"))


@bp.route("/admin", methods=["GET", "POST"])
def admin() -> Page:
    """Create the administrator (with the setup token shown in this session)."""
    if admin_exists() or not proof_valid(session.get("setup_proof")):
        return redirect(url_for("setup.index"))
    if request.method == "GET":
        return render_step("admin", form={"username": "admin"})
    form = {"username": request.form.get("username", "")}  # passwords are never sent back
    if not csrf_ok():
        return render_step("admin", 400, form=form, errors=expired())
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
    return render_step("admin", 400, form=form, errors=checked.errors)


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
            return next_step(step)
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    return render_step(step, 400, form=request.form, errors=checked.errors, **step_context(step))


@bp.route("/locale", methods=["GET", "POST"])
@wizard_step("locale")
def locale() -> Page:
    """Choose the language and the time zone."""
    if request.method == "GET":
        chosen = services.choices("locale") or {
            "language": g.user.language,
            "timezone": current_settings().timezone,
        }
        return render_step("locale", form=chosen, **step_context("locale"))
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
        return render_step("trunk", form=chosen or {"kind": "register", "port": "5060"})
    return _step_form(
        "trunk", lambda: schemas.trunk(request.form, "id" in chosen), services.save_trunk
    )


@bp.route("/agents", methods=["GET", "POST"])
@wizard_step("agents")
def agents() -> Page:
    """Add agents in bulk: an extension range and their names."""
    if request.method == "GET":
        return render_step("agents", **step_context("agents"))
    if request.form.get("action") == "continue" and services.wizard_agents():
        return next_step("agents")
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
    return render_step(
        "agents", 400, form=request.form, errors=checked.errors, **step_context("agents")
    )


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
        return render_step(
            "queue", form=chosen or default, members=members, **step_context("queue")
        )

    def save(values: dict[str, Any]) -> None:
        services.save_queue(values)
        engine.reload_engine(current_settings())

    return _step_form("queue", lambda: schemas.queue(request.form, agent_extensions()), save)


@bp.route("/ivr", methods=["GET", "POST"], endpoint="ivr")
@wizard_step("ivr")
def ivr_page() -> Page:
    """Answer a number with the template IVR: 1 for sales, 2 for support."""
    queues = [q.name for q in services.all_queues()]
    if request.method == "GET":
        first = services.choices("queue").get("name", queues[0] if queues else "")
        default = {"sales": first, "support": first, "language": "en", "number": ""}
        return render_step("ivr", form=services.choices("ivr") or default, **step_context("ivr"))
    checked = schemas.ivr(request.form, queues)
    try:
        if checked.ok:
            ivr.save_ivr(current_settings(), checked.values)
            return redirect(url_for("setup.checklist"))
    except services.StepInvalid as exc:
        checked.errors.update(exc.errors)
    except engine.FlowRefused as exc:
        checked.errors["_form"] = _("The engine refused the IVR: %(reason)s", reason=str(exc))
    return render_step("ivr", 400, form=request.form, errors=checked.errors, **step_context("ivr"))


@bp.get("/checklist")
@wizard_step("checklist")
def checklist() -> Page:
    """Show what to try for a first call, with the agents' phones' registration live."""
    return render_step("checklist", **step_context("checklist"))


@bp.get("/checklist/status")
@role_required("admin")
def checklist_status() -> Response:
    """Return the registration of the wizard's agents' phones (polled by setup.js)."""
    return jsonify(engine.registration_states(current_settings(), agent_extensions()))


@bp.post("/finish")
@wizard_step("checklist")
def finish() -> Response:
    """Close the wizard and go to the live page."""
    services.finish()
    return redirect(url_for("live.index"))
