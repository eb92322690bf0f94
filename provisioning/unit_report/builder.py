"""Build the unit report: identity, version, uptime, health, today's calls, agents, disk.

One builder for both ways a report leaves the box: the scheduler's job POSTs it to
the reseller (`appliance/jobs/unit_report.py`) and `callbox provision report --json`
prints it for the Ansible playbook to fetch.  It reads the bound store and the unit's
record (`<var>/unit.json`); it never writes anything.
"""

from __future__ import annotations

import shutil
import socket
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from zoneinfo import ZoneInfo

import psutil

from appliance.config import Settings
from appliance.health import alerts, check_all
from appliance.store.models import Agent, Cdr
from provisioning.profiles.unit import read_unit
from provisioning.unit_report.schema import REPORT_FORMAT


def build_report(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """Return this box's report (the store must be bound and connected)."""
    now = now or datetime.now(UTC)
    record = read_unit(settings)
    identity = record.get("unit") or {}
    return {
        "format": REPORT_FORMAT,
        "serial": str(identity.get("serial") or socket.gethostname()),
        "hostname": str(identity.get("hostname") or socket.gethostname()),
        "unit": {"name": str((record.get("branding") or {}).get("name", "")),
                 "profile": str(record.get("profile", "")),
                 "profile_sha256": str(record.get("profile_sha256", ""))},
        "version": callbox_version(),
        "uptime_seconds": max(0, int(now.timestamp() - psutil.boot_time())),
        "interval_minutes": settings.provisioning.report_interval_minutes,
        "health": health(settings),
        "calls_today": calls_today(settings.timezone, now),
        "agents_logged_in": Agent.select().where(Agent.state != "logged_out").count(),
        "disk": disk(settings),
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }  # fmt: skip


def callbox_version() -> str:
    """Return the installed callbox version."""
    try:
        return metadata.version("callbox")
    except metadata.PackageNotFoundError:
        return "unknown"


def health(settings: Settings) -> dict[str, Any]:
    """Return the active alerts (kind, severity, since) and whether each service is up."""
    active = [
        {"key": a.key, "kind": a.kind, "severity": a.severity, "detail": a.detail[:2000],
         "since": a.raised_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        for a in alerts.active()
    ]  # fmt: skip
    services = {name: bool(result["ok"]) for name, result in check_all(settings).items()}
    return {"alerts": active, "services": services}


def calls_today(timezone: str, now: datetime) -> int:
    """Return how many calls started today (in the box's time zone) have a record."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(Cdr.select().where(Cdr.started_at >= midnight.timestamp()).count())


def disk(settings: Settings) -> dict[str, int]:
    """Return the free and total bytes of the disk holding the box's data."""
    usage = shutil.disk_usage(settings.var)
    return {"free_bytes": usage.free, "total_bytes": usage.total}
