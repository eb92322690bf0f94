"""The agent console's pages, its event stream and its actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from appliance.store.models import Customer, User
from web import sse
from web.agent import customers, messages, schemas, screenpop, services
from web.agent.campaign_work import my_campaigns
from web.agent.stream import AgentStream
from web.auth import services as auth
from web.auth.guards import role_required
from web.context import current_settings, current_store
from web.exceptions import BadRequest, Forbidden, NotFound
from web.i18n import _
from web.live.schemas import AGENT_STATES, epoch, zone
from web.operations.routes import json_body

bp = Blueprint("agent", __name__, url_prefix="/agent")
console_roles = role_required("agent", "supervisor", "admin")
Page = str | tuple[str, int] | Response


@bp.app_template_filter("dial")
def dial_link(number: Any) -> Markup:
    """Render a phone number as a click-to-dial link (agent pages handle the click)."""
    text = escape(str(number or "").strip())
    if not text:
        return Markup("")
    title = escape(_("Call %(number)s from my phone", number=text))
    return Markup(
        f'<a class="dial" href="tel:{text}" data-dial="{text}" title="{title}">{text}</a>'
    )


@bp.app_template_filter("local_time")
def when(value: Any) -> str:
    """Render a UNIX time or an ISO text as the box's local date and time."""
    if isinstance(value, datetime):  # the store's own times: UTC without tzinfo
        value = value.replace(tzinfo=UTC).timestamp()
    seconds = epoch(value)
    if seconds is None:
        return ""
    tz = zone(current_settings().timezone)
    return datetime.fromtimestamp(seconds, tz).strftime("%Y-%m-%d %H:%M")


@bp.app_template_filter("call_outcome")
def outcome_label(value: str) -> str:
    """Render a CDR outcome in the user's language."""
    return str(schemas.OUTCOMES.get(value, value))


def check_csrf() -> None:
    """Refuse a POST without the session's CSRF token (form field or X-CSRF-Token header)."""
    if request.method != "POST":
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if not auth.csrf_valid(token):
        raise Forbidden(_("The form expired. Please try again."))


bp.before_request(check_csrf)


def _fields() -> Mapping[str, Any]:
    """Return the submitted form, or the JSON object body (400 if it is not an object)."""
    if request.form:
        return request.form
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    return body


def _fragment() -> bool:
    """Return true when the console's script asks for a fragment, not a page."""
    return request.headers.get("X-Requested-With") == "callbox"


# --- the console -------------------------------------------------------------------------


@bp.get("")
@console_roles
def index() -> str:
    """Show the console: state, screen pop, call controls, wrap-up, status."""
    labels = {state: str(label) for state, label in AGENT_STATES.items()}
    return render_template(
        "agent/index.html",
        **services.console(g.user),
        status=services.status_panel(),
        state_labels=labels,
        campaigns=my_campaigns(str(g.user.extension or "")),
    )


@bp.get("/status")
@console_roles
def status() -> str:
    """Return the trunks and extensions panel (the console refreshes it now and then)."""
    labels = {state: str(label) for state, label in AGENT_STATES.items()}
    return render_template(
        "agent/_status.html", status=services.status_panel(), state_labels=labels
    )


@bp.get("/events")
@console_roles
def events() -> Response:
    """Stream this agent's engine events and messages as Server-Sent Events."""
    user: User = g.user
    stream = AgentStream(
        current_settings().engine.control_socket,
        str(user.extension or ""),  # none: the user's messages only (a supervisor at a desk)
        messages.poller(current_store(), user.id),
        down_message=_("engine not running"),
        **sse.timing(),
        last_message=messages.last_id(user),
    )
    return sse.response(stream)


@bp.post("/state")
@console_roles
def set_state() -> Response:
    """Be ready, not ready with a reason, or logged out of the queues."""
    form = _fields()
    result = services.set_state(g.user, str(form.get("state", "")), str(form.get("reason", "")))
    if request.form:
        return redirect(url_for("agent.index"))
    return jsonify(result)


@bp.post("/queues")
@console_roles
def set_queues() -> Response:
    """Log in to the queues ticked (a form) or listed in ``queues`` (JSON); out of the rest."""
    if request.form:
        services.set_queues(g.user, request.form.getlist("queue"))
        return redirect(url_for("agent.index"))
    queues = _fields().get("queues")
    if not isinstance(queues, list) or not all(isinstance(q, str) for q in queues):
        raise BadRequest(_("Name the queues to log in to."))
    return jsonify(services.set_queues(g.user, queues))


@bp.post("/dial")
@console_roles
def dial() -> Response:
    """Click-to-dial: ring my phone, then call the number."""
    return jsonify(services.dial(g.user, str(_fields().get("number", ""))))


@bp.post("/calls/<call_id>/<path:operation>")
@console_roles
def call_operation(call_id: str, operation: str) -> Response:
    """Run a call control (hangup, hold, transfer, conference...) on my call."""
    return jsonify(services.call_operation(g.user, call_id, operation, json_body()))


# --- the screen pop and the customer record ----------------------------------------------


@bp.get("/pop/<call_id>")
@console_roles
def pop(call_id: str) -> str:
    """Return the screen pop of a call: the customer, their calls, the IVR path."""
    facts = screenpop.call_facts(call_id)
    customer = screenpop.find_customer(facts.number, facts.customer_hint)
    numbers = screenpop.numbers_of(customer) if customer else [facts.number]
    return render_template(
        "agent/_pop.html",
        facts=facts,
        customer=customer,
        history=screenpop.history([n for n in numbers if n]),
        values=customers.form_values(customer, facts.number),
        errors={},
    )


def _customer_form(customer: Customer | None, values: Any, errors: Any, status: int) -> Page:
    """Render the customer form (a fragment for the console's script, else a page)."""
    template = "agent/_customer_form.html" if _fragment() else "agent/customer.html"
    page = render_template(template, customer=customer, values=values, errors=errors)
    return (page, status) if status != 200 else page


@bp.get("/customers/new")
@console_roles
def new_customer() -> Page:
    """Show an empty customer form (with the caller's number)."""
    values = customers.form_values(None, request.args.get("number", ""))
    return _customer_form(None, values, {}, 200)


@bp.get("/customers/<int:customer_id>")
@console_roles
def edit_customer(customer_id: int) -> Page:
    """Show a customer's record for editing."""
    customer = _customer(customer_id)
    return _customer_form(customer, customers.form_values(customer), {}, 200)


@bp.post("/customers")
@bp.post("/customers/<int:customer_id>")
@console_roles
def save_customer(customer_id: int | None = None) -> Page:
    """Create or change a customer; on errors show the form again with what was typed."""
    customer = _customer(customer_id) if customer_id is not None else None
    saved, values, errors = customers.save(customer, request.form)
    if errors or saved is None:
        return _customer_form(customer, values, errors, 400)
    if not _fragment():
        flash(_("Customer saved."))
        return redirect(url_for("agent.edit_customer", customer_id=saved.id))
    return _customer_form(saved, customers.form_values(saved), {}, 200)


def _customer(customer_id: int) -> Customer:
    """Return a customer or raise NotFound."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(_("No such customer."))
    return customer


# --- wrap-up and history -----------------------------------------------------------------


@bp.post("/wrapup")
@console_roles
def wrap_up() -> Page:
    """Keep the disposition and note of a call; on errors show the form with what was typed."""
    codes = {d.code for d in services.disposition_codes()}
    values, errors = schemas.check_wrap_up(request.form, codes)
    if not errors and not services.is_my_call(g.user, values["call_id"]):
        errors["call_id"] = _("This is not your call.")
    if errors:
        page = render_template(
            "agent/wrapup.html",
            values=values,
            errors=errors,
            dispositions=services.disposition_codes(),
        )
        return page, 400
    services.save_wrap_up(g.user, values)
    if _fragment():
        return jsonify({"call_id": values["call_id"], "code": values["code"]})
    flash(_("Wrap-up saved."))
    return redirect(url_for("agent.index"))


@bp.get("/history")
@console_roles
def history() -> str:
    """Show my calls with their recordings and dispositions."""
    calls = services.my_calls(g.user)
    done = services.dispositions_of([c.call_id for c in calls])
    return render_template("agent/history.html", calls=calls, dispositions=done)
