"""Shapes of the API: CDRs out, query parameters in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from appliance.store.models import Cdr
from web.exceptions import BadRequest
from web.i18n import _

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class CallsQuery:
    """The parameters of GET /api/v1/calls."""

    limit: int = DEFAULT_LIMIT
    before: str | None = None


def iso_utc(seconds: float | None) -> str | None:
    """Return UNIX seconds as ISO 8601 UTC with a `Z` (milliseconds), or None."""
    if seconds is None:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> float | None:
    """Return UNIX seconds of an ISO 8601 time (UTC when it names no zone), or None."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def parse_calls_query(args: Any) -> CallsQuery:
    """Return the validated parameters, or raise BadRequest naming the bad one."""
    raw_limit = args.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        message = _("limit must be a whole number from 1 to %(max)d", max=MAX_LIMIT)
        raise BadRequest(message)
    before = args.get("before")
    if before is not None and not before.strip():
        raise BadRequest(_("before must be a call id or an ISO 8601 time"))
    return CallsQuery(limit=limit, before=before)


def cdr_json(cdr: Cdr, recording_url: str | None) -> dict[str, Any]:
    """Return one CDR as the API shows it."""
    return {
        "id": cdr.call_id,
        "started_at": iso_utc(cdr.started_at),
        "ended_at": iso_utc(cdr.ended_at),
        "from": cdr.from_number,
        "to": cdr.to_number,
        "direction": cdr.direction,
        "queue": cdr.queue,
        "agent": cdr.agent,
        "wait_seconds": cdr.wait_seconds,
        "talk_seconds": cdr.talk_seconds,
        "outcome": cdr.outcome,
        "recording": recording_url,
    }
