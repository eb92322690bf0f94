"""An agent's campaign work: the preview record, the popped record, the disposition.

The engine hands out records and places the calls (`campaign.preview_next`,
`preview_dial`, `preview_skip`) and takes the agent's disposition
(`campaign.disposition`).  Without the engine (or its dialer) nothing can be
previewed or dialled, but a disposition is still kept: it is written to the store the
way the engine would (`store.campaigns.set_disposition`, `schedule_callback`), so the
agent's note is never lost.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from appliance.dialer.const import CampaignStatus
from appliance.engine.control import ControlError
from appliance.store import campaigns as store
from appliance.store.models import Agent, Campaign, CampaignContact, DialAttempt, QueueMember, User
from web.context import current_settings
from web.dialer import engine
from web.dialer.labels import disposition_choices
from web.exceptions import BadRequest
from web.i18n import _
from web.live.schemas import zone

NOTE_LENGTH = 2000
SUPERVISING = ("supervisor", "admin")


def my_campaigns(extension: str) -> list[Campaign]:
    """Return the running or paused campaigns the agent works: named in them or by queue."""
    agent = Agent.get_or_none(Agent.extension == extension) if extension else None
    if agent is None:
        return []
    queues = {m.queue.name for m in QueueMember.select().where(QueueMember.agent == agent)}
    live = Campaign.select().where(
        Campaign.status.in_([CampaignStatus.RUNNING, CampaignStatus.PAUSED])
    )
    return [
        c
        for c in live.order_by(Campaign.name)
        if extension in c.agents or (not c.agents and c.queue in queues)
    ]


def preview_next(extension: str) -> dict[str, Any]:
    """Return the engine's next record for the agent: contact and campaign, or a notice."""
    try:
        reply = engine.call("campaign.preview_next", agent=extension)
    except engine.EngineAbsent as exc:
        return {"contact": None, "notice": str(exc)}
    except ControlError as exc:
        return {"contact": None, "notice": str(exc)}
    contact = reply.get("contact") if isinstance(reply, dict) else None
    if not contact:
        return {"contact": None, "notice": _("No record is waiting for you now.")}
    return {"contact": contact, "campaign": reply.get("campaign") or {}, "notice": ""}


def preview_act(extension: str, contact_id: int, operation: str) -> str:
    """Dial or skip a previewed record; return the page's note (the engine's refusal too)."""
    try:
        engine.call(f"campaign.preview_{operation}", agent=extension, contact=contact_id)
    except engine.EngineAbsent as exc:
        return str(exc)
    except ControlError as exc:
        return _("The engine refused: %(why)s", why=exc)
    return _("Dialling…") if operation == "dial" else _("Skipped.")


def popped(campaign_id: int, contact_id: int) -> tuple[Campaign, CampaignContact]:
    """Return the campaign and its contact named by a `campaign.connected` event."""
    contact = CampaignContact.get_or_none(
        (CampaignContact.id == contact_id) & (CampaignContact.campaign == campaign_id)
    )
    if contact is None:
        raise BadRequest(_("No such contact in this campaign."))
    return contact.campaign, contact


def check(user: User, form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the disposition's values and the errors by field (empty when it is right)."""
    values = {
        k: str(form.get(k, "")).strip()
        for k in ("attempt", "disposition", "note", "callback_at", "callback_to")
    }
    errors: dict[str, str] = {}
    attempt = _attempt(values["attempt"])
    if attempt is None:
        errors["attempt"] = _("No such call of a campaign.")
    elif user.role not in SUPERVISING and attempt.agent != str(user.extension or ""):
        errors["attempt"] = _("This is not your call.")
    else:
        codes = [code for code, _label in disposition_choices(attempt.campaign.dispositions)]
        if values["disposition"] not in codes:
            errors["disposition"] = _("Choose a disposition.")
    if len(values["note"]) > NOTE_LENGTH:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_LENGTH)
    if values["callback_at"]:
        when = _local_time(values["callback_at"])
        if when is None:
            errors["callback_at"] = _("Give a date and time, e.g. 2026-12-01 14:30.")
        elif when <= time.time():
            errors["callback_at"] = _("The callback time has passed.")
    if values["callback_to"] not in ("", "me", "anyone"):
        errors["callback_to"] = _("Choose me or anyone.")
    return values, errors


def _attempt(text: str) -> DialAttempt | None:
    """Return the dial attempt of an id typed, or None."""
    return DialAttempt.get_or_none(DialAttempt.id == int(text)) if text.isdigit() else None


def _local_time(text: str) -> float | None:
    """Return UNIX seconds of a date and time on the box's clock, or None if unreadable."""
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    return moment.replace(tzinfo=zone(current_settings().timezone)).timestamp()


def dispose(extension: str, values: dict[str, Any]) -> str:
    """Send the disposition to the engine (or keep it in the store); return a note."""
    args: dict[str, Any] = {
        "agent": extension,
        "attempt": int(values["attempt"]),
        "disposition": values["disposition"],
        "note": values["note"],
    }
    if values["callback_at"]:
        args["callback_at"] = _local_time(values["callback_at"])
        args["callback_agent"] = extension if values["callback_to"] == "me" else ""
    try:
        engine.call("campaign.disposition", **args)
    except engine.EngineAbsent:
        _keep(args)
        return _("Saved. The engine is not reachable: it was written to the store.")
    except ControlError as exc:
        raise BadRequest(_("The engine refused: %(why)s", why=exc)) from None
    return _("Saved.")


def _keep(args: dict[str, Any]) -> None:
    """Write a disposition to the store as the engine would."""
    contact = DialAttempt.get_by_id(args["attempt"]).contact
    store.set_disposition(contact, args["disposition"], args["note"])
    if "callback_at" in args:
        store.schedule_callback(contact, args["callback_at"], args["callback_agent"], args["note"])
