"""The system status page: every service's health, the engine's answer, disk, versions."""

from __future__ import annotations

import platform
import shutil
import sqlite3
from importlib import metadata
from typing import Any

from appliance.config import Settings
from appliance.engine.control import ControlError
from provisioning.profiles.unit import read_unit
from web.admin.services import engine_call
from web.context import current_store
from web.health import banner
from web.health.services import check_services

GIB = 1024**3


def engine_ping() -> dict[str, Any]:
    """Return the engine's ping answer, or why there is none."""
    try:
        return {"ok": True, **engine_call("ping")}
    except ControlError as exc:
        return {"ok": False, "detail": str(exc)}


def trunks() -> list[dict[str, Any]] | None:
    """Return the engine's trunks with their calls and registration, None without it."""
    try:
        return list(engine_call("trunks")["trunks"])
    except ControlError:  # EngineUnavailable too
        return None


def disk(settings: Settings) -> dict[str, Any]:
    """Return the space of the disk holding the box's data (recordings, store)."""
    usage = shutil.disk_usage(settings.var)
    return {
        "path": str(settings.var),
        "total_gib": round(usage.total / GIB, 1),
        "free_gib": round(usage.free / GIB, 1),
        "used_percent": round(100 * usage.used / usage.total) if usage.total else 0,
    }


def versions() -> dict[str, str]:
    """Return the versions of callbox and what it runs on."""
    try:
        callbox = metadata.version("callbox")
    except metadata.PackageNotFoundError:
        callbox = "unknown"
    return {"callbox": callbox, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "system": platform.platform()}  # fmt: skip


def status(settings: Settings) -> dict[str, Any]:
    """Return everything the status page shows."""
    return {
        "services": check_services(settings, current_store()),
        "engine": engine_ping(),
        "trunks": trunks(),
        "disk": disk(settings),
        "versions": versions(),
        "cleared_alerts": banner.recently_cleared(),
        "unit": read_unit(settings),
    }
