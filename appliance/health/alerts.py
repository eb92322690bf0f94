"""Alerts: a condition someone must see, raised by any process and kept in the store.

Any process that notices a condition (the watchdog, the engine when the disk fills, the
scheduler's backup verify job) calls `raise_alert` with a stable key; when the
condition is gone it calls `clear_alert`.  Raising an active alert again only bumps its
count, so a check that runs every two seconds makes one alert, not thousands.  The web
shows active alerts as a banner (translated by `kind`); the watchdog delivers each new
one once (e-mail, syslog) and stamps it notified.

Keys are "<area>.<what>" (``disk.recordings``, ``service.engine``, ``backup.verify``).
"""

from __future__ import annotations

import logging
from typing import Any

from peewee import Database

from appliance.store.models import Alert, utcnow

log = logging.getLogger(__name__)

WARNING = "warning"
CRITICAL = "critical"


def raise_alert(
    database: Database,
    key: str,
    kind: str,
    params: dict[str, Any] | None = None,
    detail: str = "",
    severity: str = WARNING,
) -> bool:
    """Record that the condition `key` holds; return true if it is new (not already active)."""
    now = utcnow()
    # Write lock first: a read-then-write transaction that loses the race to another
    # writer (the engine's event writer) fails at once with "database is locked" in WAL.
    with database.atomic("IMMEDIATE"):
        alert = Alert.get_or_none(Alert.key == key)
        fields = {"kind": kind, "severity": severity, "params": params or {}, "detail": detail}
        if alert is None:
            Alert.create(key=key, raised_at=now, last_seen_at=now, **fields)
        elif alert.cleared_at is None:
            changes = {"last_seen_at": now, "count": Alert.count + 1, **fields}
            Alert.update(changes).where(Alert.id == alert.id).execute()
            return False
        else:  # it had cleared and came back: a new occurrence, delivered again
            changes = {"raised_at": now, "last_seen_at": now, "count": 1, "cleared_at": None,
                       "notified_at": None, **fields}  # fmt: skip
            Alert.update(changes).where(Alert.id == alert.id).execute()
    log.warning("alert %s raised: %s %s", key, kind, detail)
    return True


def clear_alert(database: Database, key: str) -> bool:
    """Record that the condition `key` no longer holds; return true if it was active."""
    with database.atomic():
        changed = (
            Alert.update(cleared_at=utcnow())
            .where((Alert.key == key) & Alert.cleared_at.is_null())
            .execute()
        )
    if changed:
        log.info("alert %s cleared", key)
    return bool(changed)


def active() -> list[Alert]:
    """Return the alerts whose condition holds, critical first, newest first."""
    rows = Alert.select().where(Alert.cleared_at.is_null()).order_by(Alert.raised_at.desc())
    return sorted(rows, key=lambda a: a.severity != CRITICAL)


def undelivered() -> list[Alert]:
    """Return active alerts not yet delivered (e-mail, syslog), oldest first."""
    return list(
        Alert.select()
        .where(Alert.cleared_at.is_null() & Alert.notified_at.is_null())
        .order_by(Alert.raised_at)
    )


def mark_delivered(database: Database, alert_ids: list[int]) -> None:
    """Stamp the alerts as delivered."""
    if alert_ids:
        with database.atomic():
            Alert.update(notified_at=utcnow()).where(Alert.id.in_(alert_ids)).execute()
