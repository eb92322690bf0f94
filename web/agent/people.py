"""The console's address book and internal messages pages."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.store.models import AgentMessage
from web.agent import messages, schemas
from web.agent.routes import Page, check_csrf, console_roles
from web.exceptions import NotFound
from web.i18n import _

bp = Blueprint("agent_people", __name__, url_prefix="/agent")


@bp.app_context_processor
def unread() -> dict[str, int]:
    """Give every page the logged-in user's count of unread internal messages (for the nav)."""
    user = g.get("user")
    if user is None:
        return {"unread_messages": 0}
    query = AgentMessage.select().where(
        AgentMessage.recipient == user, AgentMessage.read_at.is_null()
    )
    return {"unread_messages": query.count()}


bp.before_request(check_csrf)


def _contacts_page(values: dict[str, str], errors: dict[str, object], status: int = 200) -> Page:
    """Render the address book with the add form."""
    page = render_template(
        "agent/contacts.html", contacts=messages.contacts(g.user), values=values, errors=errors
    )
    return (page, status) if status != 200 else page


@bp.get("/contacts")
@console_roles
def contacts() -> Page:
    """Show my address book."""
    return _contacts_page({}, {})


@bp.post("/contacts")
@console_roles
def add_contact() -> Page:
    """Add an entry to my address book; on errors keep what was typed."""
    values, errors = schemas.check_contact(request.form)
    if errors:
        return _contacts_page(values, errors, 400)
    messages.add_contact(g.user, values)
    flash(_("Contact added."))
    return redirect(url_for("agent_people.contacts"))


@bp.post("/contacts/<int:entry_id>/delete")
@console_roles
def delete_contact(entry_id: int) -> Response:
    """Delete an entry of my address book."""
    if not messages.delete_contact(g.user, entry_id):
        raise NotFound(_("No such contact."))
    return redirect(url_for("agent_people.contacts"))


def _messages_page(values: dict[str, str], errors: dict[str, object], status: int = 200) -> Page:
    """Render my messages with the form to write one."""
    page = render_template(
        "agent/messages.html",
        inbox=messages.inbox(g.user),
        recipients=messages.recipients(g.user),
        values=values,
        errors=errors,
    )
    messages.mark_read(g.user)
    return (page, status) if status != 200 else page


@bp.get("/messages")
@console_roles
def inbox() -> Page:
    """Show my messages."""
    return _messages_page({}, {})


@bp.post("/messages")
@console_roles
def send() -> Page:
    """Send a message to another agent or a supervisor; on errors keep what was typed."""
    users = {u.username for u in messages.recipients(g.user)}
    values, errors = schemas.check_message(request.form, users)
    if errors:
        return _messages_page(values, errors, 400)
    messages.send(g.user, values["recipient"], values["body"])
    flash(_("Message sent."))
    return redirect(url_for("agent_people.inbox"))
