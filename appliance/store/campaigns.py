"""The campaigns in the store: create, import lists, read what pacing needs, record attempts.

The thin adapter between the dialer domain (appliance/dialer, pure Python) and peewee.
The engine builds each tick's `CampaignState` from `campaign_for`, `due_contacts` and
`StoreDnc`, places the dials, and reports their ends with `attempt_ended`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from appliance.callflow.hours_schema import parse_schedule
from appliance.dialer.campaign import Campaign as CampaignSpec
from appliance.dialer.campaign import Contact, Dial
from appliance.dialer.const import CampaignStatus, Mode, Outcome
from appliance.dialer.importing import ImportReport, Mapping, Problem, import_file, normalise
from appliance.dialer.retry import STANDARD, RetryPolicy
from appliance.dialer.windows import parse_window, zones_for_number
from appliance.store.database import db
from appliance.store.models import (
    BusinessHours,
    Campaign,
    CampaignContact,
    ContactList,
    DialAttempt,
    DoNotCallNumber,
    ScheduledCallback,
)

BATCH = 500  # contacts per INSERT


def create_campaign(name: str, mode: str, **settings: Any) -> Campaign:
    """Create a campaign after checking its settings read as the pacing will read them."""
    row = Campaign(name=name, mode=mode, **settings)
    campaign_for(row)  # raises ValueError naming the bad setting; nothing stored
    row.save()
    return row


def campaign_for(row: Campaign) -> CampaignSpec:
    """Return the domain's view of a stored campaign; raise ValueError naming a bad setting."""
    try:
        mode = Mode(row.mode)
    except ValueError:
        raise ValueError(f"campaign {row.name!r}: unknown mode {row.mode!r}") from None
    policy = RetryPolicy.from_json(row.retry_policy) if row.retry_policy else STANDARD
    window = parse_window(row.window, _holidays(row.holidays_from))
    return CampaignSpec(
        row.id or 0, row.name, mode, window, row.caller_id, row.queue, row.flow, policy,
        row.drop_cap, row.max_channels, row.default_zone,
    )  # fmt: skip


def _holidays(schedule_name: str) -> frozenset[date]:
    """Return the holiday dates of a business-hours schedule (none for "")."""
    if not schedule_name:
        return frozenset()
    row = BusinessHours.get_or_none(BusinessHours.name == schedule_name)
    if row is None:
        raise ValueError(f"no business hours named {schedule_name!r} for the holidays")
    spec = {"name": row.name, "timezone": row.timezone, "weekly": row.weekly,
            "holidays": row.holidays, "workdays": row.workdays}  # fmt: skip
    return frozenset(parse_schedule(spec).holidays)


def import_contacts(
    campaign: Campaign, data: bytes, filename: str, region: str, mapping: Mapping | None = None
) -> tuple[ContactList, ImportReport]:
    """Import a file into a new list of the campaign; raise ImportFileError if unreadable."""
    existing = {c.number for c in CampaignContact.select(CampaignContact.number).where(
        CampaignContact.campaign == campaign)}  # fmt: skip
    report = import_file(data, filename, region, mapping, existing)
    with db.atomic():
        listing = ContactList.create(
            campaign=campaign, name=filename or "list", source=filename,
            encoding=report.encoding, rows=report.rows, imported=len(report.contacts),
            rejected=len(report.errors), report=[_error_json(e) for e in report.errors],
        )  # fmt: skip
        rows = [
            {"contact_list": listing.id, "campaign": campaign.id, "number": c.number,
             "name": c.name, "timezone": c.timezone or _one_zone(c.number), "fields": c.fields,
             "row": c.row}
            for c in report.contacts
        ]  # fmt: skip
        for start in range(0, len(rows), BATCH):
            CampaignContact.insert_many(rows[start : start + BATCH]).execute()
    return listing, report


def _one_zone(number: str) -> str:
    """Return the number's time zone when it has exactly one, else "" (judged when dialled)."""
    zones = zones_for_number(number, "")
    return zones[0] if len(zones) == 1 else ""


def _error_json(error: Any) -> dict[str, Any]:
    """Return a row error as stored in the list's report."""
    return {"row": error.row, "column": error.column, "problem": error.problem.value,
            "value": error.value, "detail": error.detail}  # fmt: skip


def due_contacts(campaign: Campaign, now: float, limit: int = 200) -> list[Contact]:
    """Return a page of contacts due now: callbacks first, then by when they fell due.

    Numbers on a do-not-call list and contacts whose zone is outside the window now are
    left out of the page, so they can never fill it and stall the campaign; `next_calls`
    still checks both for every contact it rings.
    """
    callbacks = _due_callbacks(campaign, now, limit)
    taken = {c.id for c in callbacks}
    when = CampaignContact.next_attempt_at
    pending = (CampaignContact.campaign == campaign) & (CampaignContact.done == False)  # noqa: E712
    waiting = ScheduledCallback.select(ScheduledCallback.contact).where(
        ScheduledCallback.done_at.is_null())  # fmt: skip
    pending &= CampaignContact.id.not_in(waiting)  # a contact with a callback waits for it
    pending &= CampaignContact.number.not_in(_blocked_numbers(campaign))
    pending &= CampaignContact.timezone.in_(_zones_open(campaign, pending, now))
    due = (
        CampaignContact.select()
        .where(pending & (when.is_null() | (when <= now)))
        .order_by(CampaignContact.next_attempt_at.asc(nulls="first"), CampaignContact.id)
        .limit(limit)
    )  # fmt: skip
    return callbacks + [_contact(row) for row in due if row.id not in taken]


def _blocked_numbers(campaign: Campaign) -> Any:
    """Return the query of numbers the campaign may not call (global and its own list)."""
    scope = DoNotCallNumber.campaign.is_null() | (DoNotCallNumber.campaign == campaign)
    return DoNotCallNumber.select(DoNotCallNumber.number).where(scope)


def _zones_open(campaign: Campaign, pending: Any, now: float) -> list[str]:
    """Return the contacts' zones where the window is open now, and "" (judged per contact)."""
    window = campaign_for(campaign).window
    zones = CampaignContact.select(CampaignContact.timezone).where(pending).distinct()
    return [""] + [z.timezone for z in zones if z.timezone and window.is_open((z.timezone,), now)]


def _due_callbacks(campaign: Campaign, now: float, limit: int) -> list[Contact]:
    """Return the contacts of callbacks due now, each kept for its agent if it has one."""
    due = (
        ScheduledCallback.select(ScheduledCallback, CampaignContact)
        .join(CampaignContact)
        .where((ScheduledCallback.campaign == campaign) & ScheduledCallback.done_at.is_null()
               & (ScheduledCallback.due_at <= now))
        .order_by(ScheduledCallback.due_at)
        .limit(limit)
    )  # fmt: skip
    return [_contact(cb.contact, callback_agent=cb.agent, due=cb.due_at) for cb in due]


def _contact(row: CampaignContact, callback_agent: str = "", due: float | None = None) -> Contact:
    """Return the domain's view of a stored contact."""
    when = due if due is not None else row.next_attempt_at
    return Contact(row.id, row.number, row.timezone, row.attempts, when, False, callback_agent)


class StoreDnc:
    """Do-not-call lists read from the store on every question (dial time)."""

    def blocks(self, campaign_id: int, number: str) -> bool:
        """Return true if the number is on the global list or the campaign's."""
        scope = DoNotCallNumber.campaign.is_null() | (DoNotCallNumber.campaign == campaign_id)
        return DoNotCallNumber.select().where((DoNotCallNumber.number == number) & scope).exists()


def add_dnc(number: str, region: str, campaign: Campaign | None = None, note: str = "") -> str:
    """Put a number on the global list or a campaign's; return it in E.164."""
    e164 = normalise(number, region)
    if isinstance(e164, Problem):
        raise ValueError(f"{number!r} is not a phone number ({e164.value})")
    if not StoreDnc().blocks(campaign.id if campaign else -1, e164) or campaign is not None:
        DoNotCallNumber.insert(
            number=e164, campaign=campaign, note=note
        ).on_conflict_ignore().execute()
    return e164


def attempt_started(dial: Dial, now: float, call_id: str = "") -> DialAttempt:
    """Record that a dial was placed."""
    return DialAttempt.create(campaign=dial.campaign_id, contact=dial.contact_id,
                              number=dial.number, call_id=call_id, agent=dial.agent,
                              started_at=now)  # fmt: skip


def attempt_ended(attempt: DialAttempt, outcome: Outcome, now: float, policy: RetryPolicy) -> None:
    """Record how a dial ended and when its contact is next due, if ever."""
    with db.atomic():
        attempt.outcome, attempt.ended_at = outcome.value, now
        attempt.save()
        contact = CampaignContact.get_by_id(attempt.contact.id)
        contact.attempts += 1
        contact.last_outcome = outcome.value
        contact.next_attempt_at = policy.next_attempt_at(outcome, contact.attempts, now)
        contact.done = contact.next_attempt_at is None
        contact.save()
        ScheduledCallback.update(done_at=now).where(
            (ScheduledCallback.contact == contact) & ScheduledCallback.done_at.is_null()
            & (ScheduledCallback.due_at <= attempt.started_at)).execute()  # fmt: skip


def set_disposition(contact: CampaignContact, disposition: str, notes: str = "",
                    close: bool = True) -> None:  # fmt: skip
    """Record the agent's disposition and notes; `close` ends the contact's calling."""
    contact.disposition, contact.notes = disposition, notes
    if close:
        contact.done, contact.next_attempt_at = True, None
    contact.save()


def schedule_callback(
    contact: CampaignContact, due_at: float, agent: str = "", note: str = ""
) -> None:
    """Bring a contact back at a time, for one agent or anyone, even one marked done."""
    with db.atomic():
        ScheduledCallback.create(campaign=contact.campaign, contact=contact, due_at=due_at,
                                 agent=agent, note=note)  # fmt: skip
        contact.done = False
        contact.save()


def set_status(campaign: Campaign, status: CampaignStatus) -> None:
    """Move a campaign to a status (start, pause, stop)."""
    campaign.status = status.value
    campaign.save()


def progress(campaigns: Iterable[Campaign]) -> dict[int, dict[str, int]]:
    """Return per campaign: contacts, done, attempts made."""
    figures = {}
    for campaign in campaigns:
        contacts = CampaignContact.select().where(CampaignContact.campaign == campaign)
        figures[campaign.id] = {
            "contacts": contacts.count(),
            "done": contacts.where(CampaignContact.done == True).count(),  # noqa: E712
            "attempts": DialAttempt.select().where(DialAttempt.campaign == campaign).count(),
        }
    return figures
