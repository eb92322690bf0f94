"""Health of every service of the box, for /healthz.

The checks are `appliance.health.check_all` (one module per service), run with
`web` skipped: the web's own check asks this endpoint, and answering for ourselves
is enough (we are serving).  The store is also checked through this process's own
connection, since whether *the web* can reach the store decides the 503.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from peewee import Database

from appliance.config import Settings
from appliance.health import check_all
from appliance.health.checks import SERVICES

log = logging.getLogger(__name__)

Check = dict[str, Any]  # {"ok": bool, "detail": str}


def check_store(database: Database) -> Check:
    """Return whether the store answers a query on this process's connection."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except Exception as exc:  # any failure of the store is reported, not raised
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "detail": "answers queries"}


def _shared_checks(settings: Settings) -> dict[str, Check]:
    """Return the box's checks except `web`; none if they cannot run at all."""
    try:
        return check_all(settings, skip=("web",))
    except Exception:  # a broken check suite must not take /healthz down
        log.exception("appliance.health.check_all failed")
        return {}


def check_services(settings: Settings, database: Database) -> dict[str, Check]:
    """Return every service's check, in the documented order."""
    checks: dict[str, Check] = {"web": {"ok": True, "detail": f"serving (pid {os.getpid()})"}}
    checks.update(_shared_checks(settings))
    own_store = check_store(database)
    if not own_store["ok"] or "store" not in checks:
        checks["store"] = own_store
    for name in SERVICES:
        checks.setdefault(name, {"ok": False, "detail": "no check ran"})
    extra = sorted(set(checks) - set(SERVICES))
    return {name: checks[name] for name in (*SERVICES, *extra)}
