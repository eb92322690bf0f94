"""Reading call detail records for the API."""

from __future__ import annotations

from peewee import ModelSelect

from appliance.store.models import Cdr
from web.api.schemas import CallsQuery, parse_iso
from web.exceptions import BadRequest
from web.i18n import _


def list_calls(query: CallsQuery) -> list[Cdr]:
    """Return CDRs newest first, at most query.limit, older than query.before if given."""
    select = Cdr.select().order_by(Cdr.started_at.desc(), Cdr.call_id.desc())
    if query.before is not None:
        select = _older_than(select, query.before)
    return list(select.limit(query.limit))


def _older_than(select: ModelSelect[Cdr], before: str) -> ModelSelect[Cdr]:
    """Narrow select to CDRs after the cursor (a call id) or before a time."""
    cursor = Cdr.get_or_none(Cdr.call_id == before)
    if cursor is not None:
        # (started_at, call_id) orders ties; the cursor row itself is excluded.
        return select.where(
            (Cdr.started_at < cursor.started_at)
            | ((Cdr.started_at == cursor.started_at) & (Cdr.call_id < cursor.call_id))
        )
    moment = parse_iso(before)
    if moment is None:
        raise BadRequest(_("before must be a call id or an ISO 8601 time"))
    return select.where(Cdr.started_at < moment)
