"""The audit log: one helper every admin service calls, and the queries of its page.

Secrets never reach the log: a secret field is kept as ``********`` (or
``******** (changed)`` when the change set a new one), so the log says *that* a
password changed, never what it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import g

from appliance.store.models import AuditEntry

MASK = "********"
SECRETS = frozenset({"sip_password", "password", "password_hash", "pin_hash"})
PAGE_SIZE = 100


def masked(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Return before and after with every secret replaced by the mask."""
    return _mask(before, None), _mask(after, before)


def _mask(view: dict[str, Any] | None, before: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return view with its secrets masked; "(changed)" when it differs from before."""
    if view is None:
        return None
    out = dict(view)
    for key in SECRETS & set(out):
        changed = before is not None and before.get(key) != view[key]
        out[key] = "" if not view[key] else f"{MASK} (changed)" if changed else MASK
    return out


def record(
    area: str,
    key: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry for the logged-in user (secrets masked)."""
    user = g.get("user")
    shown_before, shown_after = masked(before, after)
    return AuditEntry.create(
        username=user.username if user is not None else "",
        area=area,
        object_key=key,
        action=action,
        before=shown_before,
        after=shown_after,
    )


@dataclass
class AuditFilter:
    """What the audit page shows: an area, a user, a day range, one object."""

    area: str = ""
    username: str = ""
    since: date | None = None
    until: date | None = None
    object_key: str = ""


def entries(wanted: AuditFilter, page: int = 1) -> list[AuditEntry]:
    """Return one page of the entries matching wanted, newest first (page 1: the newest)."""
    query = AuditEntry.select().order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if wanted.area:
        query = query.where(AuditEntry.area == wanted.area)
    if wanted.username:
        query = query.where(AuditEntry.username == wanted.username)
    if wanted.object_key:
        query = query.where(AuditEntry.object_key == wanted.object_key)
    if wanted.since:
        query = query.where(AuditEntry.at >= datetime.combine(wanted.since, time()))
    if wanted.until:
        end = datetime.combine(wanted.until + timedelta(days=1), time())
        query = query.where(AuditEntry.at < end)
    return list(query.offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE))


def page_of(wanted: AuditFilter, page: int) -> tuple[list[AuditEntry], bool]:
    """Return a page of entries and whether older ones follow."""
    shown = entries(wanted, page)
    older = len(shown) == PAGE_SIZE and bool(entries(wanted, page + 1)[:1])
    return shown, older


def changed_keys(entry: AuditEntry) -> list[str]:
    """Return the fields whose value differs between before and after."""
    before, after = entry.before or {}, entry.after or {}
    keys: Iterable[str] = list(dict.fromkeys([*before, *after]))
    return [k for k in keys if before.get(k) != after.get(k)]


def known_values() -> tuple[list[str], list[str]]:
    """Return the areas and user names found in the log (for the filter menus)."""
    areas = [
        r.area for r in AuditEntry.select(AuditEntry.area).distinct().order_by(AuditEntry.area)
    ]
    users = [
        r.username
        for r in AuditEntry.select(AuditEntry.username).distinct().order_by(AuditEntry.username)
    ]
    return areas, users
