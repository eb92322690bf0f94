"""The reseller's units: the list (sorted, filtered), one unit, registering and removing.

A reseller sees only the units it registered.  A unit is *stale* when its latest
report is older than three of its report intervals (or it never reported): the box
may be off, cut from the network, or its reports refused.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import IntegrityError

from appliance.store.database import db
from appliance.store.models import ResellerUnit, UnitReport, User, utcnow
from web.admin import audit
from web.auth.services import hash_token
from web.exceptions import NotFound

AREA = "reseller"  # the audit log's area
STALE_INTERVALS = 3
DEFAULT_INTERVAL_MINUTES = 5
HEALTH_ORDER = {"critical": 0, "warning": 1, "ok": 2, "": 3}
SORTS = ("serial", "label", "health", "version", "last_seen", "calls")
MIN_TOKEN = 24


class UnitExists(Exception):
    """The reseller has a unit of this serial already, or the token given is another unit's."""


@dataclass
class UnitRow:
    """One unit as the list shows it."""

    unit: ResellerUnit
    stale: bool

    @property
    def hostname(self) -> str:
        """Return the host name of the latest report ("" before any)."""
        return str((self.unit.report or {}).get("hostname", ""))


def is_stale(unit: ResellerUnit, now: datetime | None = None) -> bool:
    """Return true if the unit never reported or has been silent for 3 intervals."""
    if unit.last_seen_at is None:
        return True
    minutes = (unit.report or {}).get("interval_minutes") or DEFAULT_INTERVAL_MINUTES
    silent = (now or utcnow()) - unit.last_seen_at
    return bool(silent > timedelta(minutes=STALE_INTERVALS * int(minutes)))


@dataclass
class UnitFilter:
    """What the list shows: a text in serial, name or host, a health, a version; the order."""

    text: str = ""
    health: str = ""  # ok | warning | critical | stale
    version: str = ""
    sort: str = "serial"
    descending: bool = False


def units(reseller: User, wanted: UnitFilter) -> list[UnitRow]:
    """Return the reseller's units matching wanted, in its order."""
    now = utcnow()
    rows = [UnitRow(u, is_stale(u, now)) for u in
            ResellerUnit.select().where(ResellerUnit.reseller == reseller)]  # fmt: skip
    rows = [r for r in rows if _matches(r, wanted)]
    return sorted(rows, key=_sort_key(wanted.sort), reverse=wanted.descending)


def _matches(row: UnitRow, wanted: UnitFilter) -> bool:
    """Return true if row passes the filter."""
    text = wanted.text.strip().lower()
    if text and not any(text in v.lower() for v in (row.unit.serial, row.unit.label,
                                                    row.hostname)):  # fmt: skip
        return False
    if wanted.version and row.unit.version != wanted.version:
        return False
    if wanted.health == "stale":
        return row.stale
    return not wanted.health or row.unit.health == wanted.health


def _sort_key(sort: str) -> Any:
    """Return the key function of a column (serial breaks ties)."""
    keys: dict[str, Any] = {
        "label": lambda r: (r.unit.label.lower(), r.unit.serial),
        "health": lambda r: (HEALTH_ORDER.get(r.unit.health, 3), r.unit.serial),
        "version": lambda r: (_version_key(r.unit.version), r.unit.serial),
        "last_seen": lambda r: (r.unit.last_seen_at or datetime.min, r.unit.serial),
        "calls": lambda r: (r.unit.calls_today, r.unit.serial),
    }
    return keys.get(sort, lambda r: r.unit.serial)


def _version_key(version: str) -> tuple[Any, ...]:
    """Return a version's sort key: numbers as numbers (0.10.0 after 0.9.1)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))


def version_summary(reseller: User) -> list[tuple[str, int]]:
    """Return each version the reseller's units run with how many do, newest version first."""
    counts = Counter(u.version for u in ResellerUnit.select().where(
        ResellerUnit.reseller == reseller))  # fmt: skip
    return sorted(counts.items(), key=lambda item: _version_key(item[0]), reverse=True)


def unit_of(reseller: User, unit_id: int) -> ResellerUnit:
    """Return the reseller's unit; 404 for another reseller's (nothing tells it exists)."""
    unit = ResellerUnit.get_or_none(
        (ResellerUnit.id == unit_id) & (ResellerUnit.reseller == reseller)
    )
    if unit is None:
        raise NotFound()
    return unit


def recent_reports(unit: ResellerUnit, limit: int = 20) -> list[UnitReport]:
    """Return the unit's newest reports, newest first."""
    newest = UnitReport.received_at.desc(), UnitReport.id.desc()
    query = UnitReport.select().where(UnitReport.unit == unit)
    return list(query.order_by(*newest).limit(limit))


def register(reseller: User, serial: str, label: str, token: str = "") -> tuple[ResellerUnit, str]:
    """Register a unit; return it and its token (given, or made here: shown once)."""
    token = token or secrets.token_urlsafe(32)
    if ResellerUnit.select().where(ResellerUnit.token_hash == hash_token(token)).exists():
        raise UnitExists("token")
    try:
        with db.atomic():
            unit = ResellerUnit.create(reseller=reseller, serial=serial, label=label,
                                       token_hash=hash_token(token))  # fmt: skip
    except IntegrityError:
        raise UnitExists(serial) from None
    audit.record(AREA, f"unit:{serial}", "create", None, {"serial": serial, "label": label})
    return unit, token


def remove(unit: ResellerUnit) -> None:
    """Forget a unit and its reports (its token stops working at once)."""
    before = {"serial": unit.serial, "label": unit.label}
    unit.delete_instance()  # its reports go with it: ON DELETE CASCADE
    audit.record(AREA, f"unit:{before['serial']}", "delete", before, None)
