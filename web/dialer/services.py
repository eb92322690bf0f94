"""Campaigns as the pages show and change them: progress, results, moves, deletion, audit."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from peewee import fn
from playhouse.shortcuts import model_to_dict

from appliance.dialer.const import CampaignStatus, Outcome
from appliance.dialer.moves import MOVES  # the status rule the CLI and the engine apply too
from appliance.engine.control import ControlError
from appliance.store import campaigns as store
from appliance.store.database import db
from appliance.store.models import Campaign, CampaignContact, DialAttempt
from web.admin import audit
from web.dialer import engine
from web.i18n import _

AREA = "campaigns"  # the audit log's area
PAGE_SIZE = 50
COMMANDS = {
    CampaignStatus.RUNNING: "campaign.start",
    CampaignStatus.PAUSED: "campaign.pause",
    CampaignStatus.STOPPED: "campaign.stop",
}


class Refused(Exception):
    """The change was not made; the message says why."""


def describe(row: Campaign) -> dict[str, Any]:
    """Return a campaign as the audit log shows it."""
    view = model_to_dict(row, recurse=False)
    return {k: v for k, v in view.items() if k not in ("id", "created_at", "started_at")}


def move(row: Campaign, status: CampaignStatus) -> str:
    """Start, pause or stop a campaign; return a note for the page, raise Refused if not allowed.

    The engine does it when it runs; without it (or without its dialer) the store's
    status is set by the rule the CLI uses, and the engine acts on it when it starts.
    """
    if CampaignStatus(row.status) not in MOVES[status]:
        raise Refused(
            _(
                "The campaign is %(now)s; it cannot be made %(then)s.",
                now=status_label(row.status),
                then=status_label(status),
            )
        )
    before = describe(row)
    try:
        engine.call(COMMANDS[status], campaign=row.id)
        note = ""
    except engine.EngineAbsent as exc:
        _store_move(row, status)
        note = _("%(why)s The status is saved; the engine acts on it when it starts.", why=exc)
    except ControlError as exc:
        raise Refused(_("The engine refused: %(why)s", why=exc)) from None
    row = Campaign.get_by_id(row.id)
    audit.record(AREA, row.name, str(status), before, describe(row))
    return note


def _store_move(row: Campaign, status: CampaignStatus) -> None:
    """Set the status in the store, checking the settings still read for a start."""
    if status is CampaignStatus.RUNNING:
        try:
            store.campaign_for(row)  # a holiday schedule deleted since...
        except ValueError as exc:
            raise Refused(_("The campaign cannot start: %(why)s", why=exc)) from None
    store.set_status(row, status)


def delete(row: Campaign) -> None:
    """Delete a campaign with its lists, contacts and attempts; refused while it runs."""
    if row.status == CampaignStatus.RUNNING:
        raise Refused(_("A running campaign cannot be deleted: stop it first."))
    before = describe(row)
    with db.atomic():
        row.delete_instance(recursive=True)
        audit.record(AREA, row.name, "delete", before, None)


def status_label(status: str) -> str:
    """Return a campaign status in the user's language."""
    from web.dialer.labels import STATUSES

    return str(STATUSES.get(status, status))


@dataclass
class Progress:
    """One campaign's progress from the store."""

    contacts: int = 0
    done: int = 0
    attempts: int = 0
    connected: int = 0
    dropped: int = 0


def progress(rows: Iterable[Campaign]) -> dict[int, Progress]:
    """Return each campaign's contacts done/total, attempts, connected and dropped."""
    ids = [r.id for r in rows]
    figures = {i: Progress() for i in ids}
    contacts = (
        CampaignContact.select(
            CampaignContact.campaign, CampaignContact.done, fn.COUNT(CampaignContact.id).alias("n")
        )
        .where(CampaignContact.campaign.in_(ids))
        .group_by(CampaignContact.campaign, CampaignContact.done)
    )
    for c in _dicts(contacts):
        figures[c["campaign"]].contacts += c["n"]
        figures[c["campaign"]].done += c["n"] if c["done"] else 0
    for campaign_id, outcome, n in _outcome_counts(ids):
        figures[campaign_id].attempts += n
        figures[campaign_id].connected += n if outcome == Outcome.CONNECTED else 0
        figures[campaign_id].dropped += n if outcome == Outcome.DROPPED else 0
    return figures


def _outcome_counts(ids: list[int]) -> list[tuple[int, str, int]]:
    """Return (campaign, outcome, attempts) for the campaigns."""
    query = (
        DialAttempt.select(
            DialAttempt.campaign, DialAttempt.outcome, fn.COUNT(DialAttempt.id).alias("n")
        )
        .where(DialAttempt.campaign.in_(ids))
        .group_by(DialAttempt.campaign, DialAttempt.outcome)
    )
    return [(r["campaign"], r["outcome"], r["n"]) for r in _dicts(query)]


def _dicts(query: Any) -> list[dict[str, Any]]:
    """Return a query's rows as dicts (peewee's .dicts() yields dicts, not models)."""
    return cast(list[dict[str, Any]], list(query.dicts()))


def results(row: Campaign) -> dict[str, list[tuple[str, int]]]:
    """Return the campaign's contacts counted by disposition and by last outcome."""
    out: dict[str, list[tuple[str, int]]] = {}
    for key, column in (
        ("disposition", CampaignContact.disposition),
        ("outcome", CampaignContact.last_outcome),
    ):
        query = (
            CampaignContact.select(column.alias("k"), fn.COUNT(CampaignContact.id).alias("n"))
            .where(CampaignContact.campaign == row)
            .group_by(column)
            .order_by(fn.COUNT(CampaignContact.id).desc())
        )
        out[key] = [(r["k"], r["n"]) for r in _dicts(query)]
    return out


def contacts_page(row: Campaign, page: int) -> tuple[list[CampaignContact], bool]:
    """Return one page of the campaign's contacts (in file order) and whether more follow."""
    query = (
        CampaignContact.select()
        .where(CampaignContact.campaign == row)
        .order_by(CampaignContact.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    found = list(query)
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def export_csv(row: Campaign, headers: list[str], when: Callable[[float], str]) -> str:
    """Return the campaign's results as CSV text (the caller adds the BOM Excel needs).

    `when` writes the next attempt's UNIX time as the box's local date and time.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    query = (
        CampaignContact.select().where(CampaignContact.campaign == row).order_by(CampaignContact.id)
    )
    for c in query.iterator():
        writer.writerow(
            [
                c.number,
                c.name,
                c.attempts,
                c.last_outcome,
                c.disposition,
                c.notes,
                when(c.next_attempt_at) if c.next_attempt_at else "",
                "1" if c.done else "0",
            ]
        )
    return out.getvalue()
