"""Booked calls out (撥出預約): ring my phone at a set time and connect me to a number.

The scheduler makes the call on time (appliance/jobs/scheduled_dials.py) as a
click-to-dial, so the booking is allowed what the user's own call out would be.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from appliance.jobs.scheduled_dials import CANCELLED, PENDING
from appliance.store.models import ScheduledDial, User
from web.agent.routes import Page, check_csrf, console_roles
from web.agent.schemas import MAX_TEXT, Errors, text, too_long, valid_number
from web.agent.services import extension_of
from web.context import current_settings
from web.exceptions import NotFound
from web.i18n import _
from web.i18n import lazy_gettext as _l
from web.live.schemas import zone

bp = Blueprint("agent_bookings", __name__, url_prefix="/agent")
bp.before_request(check_csrf)
MAX_AHEAD_DAYS = 31
SHOWN_DONE = 20  # past bookings listed under the pending ones
STATUSES = {
    "pending": _l("Waiting"),
    "dialling": _l("Dialling"),
    "dialled": _l("Dialled"),
    "failed": _l("Failed"),
    "missed": _l("Missed"),
    "cancelled": _l("Cancelled"),
}


def check_booking(form: Mapping[str, str], now: float) -> tuple[dict[str, str], Errors, float]:
    """Return a booking's values, the errors in them, and its time as UNIX seconds."""
    values = {name: text(form, name) for name in ("number", "at", "note")}
    errors: Errors = {}
    if not valid_number(values["number"]):
        errors["number"] = _l("Enter a phone number.")
    due = 0.0
    try:
        local = datetime.strptime(values["at"], "%Y-%m-%dT%H:%M")
        due = local.replace(tzinfo=zone(current_settings().timezone)).timestamp()
    except ValueError:
        errors["at"] = _l("Enter a date and time.")
    else:
        if due <= now:
            errors["at"] = _l("Choose a time in the future.")
        elif due > now + MAX_AHEAD_DAYS * 86400:
            errors["at"] = _l("Book at most %(days)s days ahead.", days=MAX_AHEAD_DAYS)
    too_long(values, errors, {"note": MAX_TEXT})
    return values, errors, due


def mine(user: User) -> tuple[list[ScheduledDial], list[ScheduledDial]]:
    """Return the user's pending bookings (soonest first) and the latest finished ones."""
    own = ScheduledDial.select().where(ScheduledDial.user == user)
    pending = own.where(ScheduledDial.status == PENDING).order_by(ScheduledDial.due_at)
    done = own.where(ScheduledDial.status != PENDING).order_by(ScheduledDial.due_at.desc())
    return list(pending), list(done.limit(SHOWN_DONE))


def _page(values: dict[str, str], errors: Errors, status: int = 200) -> Page:
    """Render my bookings with the form to add one."""
    pending, done = mine(g.user)
    page = render_template("agent/bookings.html", pending=pending, done=done, values=values,
                           errors=errors, statuses=STATUSES)  # fmt: skip
    return (page, status) if status != 200 else page


@bp.get("/bookings")
@console_roles
def bookings() -> Page:
    """Show my booked calls out."""
    return _page({}, {})


@bp.post("/bookings")
@console_roles
def book() -> Page:
    """Book a call out; on errors keep what was typed."""
    extension = extension_of(g.user)
    values, errors, due = check_booking(request.form, time.time())
    if errors:
        return _page(values, errors, 400)
    ScheduledDial.create(user=g.user, extension=extension, number=values["number"],
                         note=values["note"], due_at=due)  # fmt: skip
    flash(_("Call booked: your phone rings at %(at)s.", at=values["at"].replace("T", " ")))
    return redirect(url_for("agent_bookings.bookings"))


@bp.post("/bookings/<int:booking_id>/cancel")
@console_roles
def cancel(booking_id: int) -> Response:
    """Cancel one of my bookings that has not been dialled yet."""
    waiting = (
        (ScheduledDial.id == booking_id)
        & (ScheduledDial.user == g.user)
        & (ScheduledDial.status == PENDING)
    )
    if not ScheduledDial.update(status=CANCELLED, done_at=time.time()).where(waiting).execute():
        raise NotFound(_("No such booking waiting."))
    flash(_("Booking cancelled."))
    return redirect(url_for("agent_bookings.bookings"))
