"""The alert banner: active alerts on every page an admin or supervisor sees, translated.

Alerts are rows in the store (appliance/health/alerts.py) raised by the watchdog and
others; each `kind` has one sentence here, filled from the alert's params.  A kind
this table does not know (a newer raiser) is shown by its key, never hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import g

from appliance.health import alerts
from appliance.store.models import Alert, utcnow
from web.health.board_texts import BOARD_TEXTS
from web.i18n import _

BANNER_ROLES = ("admin", "supervisor")
RECENT = timedelta(days=1)
RECENT_LIMIT = 20
Params = dict[str, Any]


def service_name(service: str) -> str:
    """Return a service's name as people call it."""
    names = {"engine": _("call engine"), "kamailio": _("SIP server"), "web": _("web server"),
             "scheduler": _("scheduler"), "store": _("database"),
             "watchdog": _("watchdog")}  # fmt: skip
    return names.get(service, service)


TEXTS: dict[str, Callable[[Params], str]] = {
    "disk_low": lambda p: _("Low disk space: %(free_mb)s MB (%(percent)s%%) free at %(path)s.",
                            free_mb=p["free_mb"], percent=p["free_percent"], path=p["path"]),
    "recording_disk_full": lambda p: _("Calls are not being recorded: only %(free_mb)s MB free "
                                       "at %(folder)s (at least %(min_mb)s MB needed).",
                                       free_mb=p["free_mb"], folder=p["folder"],
                                       min_mb=p["min_free_mb"]),
    "backup_failed": lambda p: _("The backup %(schedule)s to %(target)s failed: see Backups.",
                                 schedule=p["schedule"], target=p["target"]),
    "backup_verify_failed": lambda p: _("The newest backup %(archive)s on %(target)s does not "
                                        "verify: it may not restore. See Backups.",
                                        archive=p["archive"], target=p["target"]),
    "memory_high": lambda p: _("Memory is nearly full: %(used)s%% in use.",
                               used=p["used_percent"]),
    "cpu_overloaded": lambda p: _("The processors are overloaded: load %(load)s per core "
                                  "for five minutes.", load=p["load_per_core"]),
    "service_down": lambda p: _("The %(service)s is not working; the watchdog restarts it.",
                                service=service_name(p["service"])),
    "restart_budget_used": lambda p: _("The %(service)s keeps failing after %(budget)s "
                                       "restarts; the watchdog stopped restarting it.",
                                       service=service_name(p["service"]), budget=p["budget"]),
    "store_failed": lambda p: _("The database fails its checks: restore it from a backup."),
    "check_failed": lambda p: _("The %(service)s check fails.",
                                service=service_name(p["service"])),
    "trunk_unregistered": lambda p: _("Trunk %(trunk)s lost its registration with the carrier.",
                                      trunk=p["trunk"]),
    "trunk_unreachable": lambda p: _("Trunk %(trunk)s does not answer (%(host)s:%(port)s): calls "
                                     "out use the route's other trunks.", trunk=p["trunk"],
                                     host=p["host"], port=p["port"]),
    "upgrade_rolled_back": lambda p: _("The upgrade from %(old)s to %(new)s failed its checks "
                                       "and was rolled back.", old=p["from"], new=p["to"])
    if p.get("complete", True) else _("The upgrade from %(old)s to %(new)s failed and its "
                                      "rollback is INCOMPLETE: see the console.",
                                      old=p["from"], new=p["to"]),
    "agent_stuck": lambda p: _("Agent %(extension)s was stuck in a call that had ended; the "
                               "watchdog freed them.", extension=p["extension"]),
    "call_stuck": lambda p: _("A call the engine held had no record; the watchdog closed it."),
    "outbound_volume": lambda p: _("%(calls)s calls out in the last %(minutes)s minutes, usually "
                                   "%(usual)s: check for toll fraud.", calls=p["calls"],
                                   minutes=p["window_minutes"], usual=p["usual"]),
    "outbound_international": lambda p: _("%(calls)s international or premium-rate calls in the "
                                          "last %(minutes)s minutes (%(numbers)s): check for toll "
                                          "fraud.", calls=p["calls"],
                                          minutes=p["window_minutes"], numbers=p["numbers"]),
    "outbound_refused": lambda p: _("%(calls)s calls out were refused in the last %(minutes)s "
                                    "minutes: someone may be trying numbers they may not call.",
                                    calls=p["calls"], minutes=p["window_minutes"]),
    "zero_touch_failed": lambda p: _("Zero-touch provisioning failed: %(error)s",
                                     error=p["error"]),
    **BOARD_TEXTS,
}  # fmt: skip


def text(alert: Alert) -> str:
    """Return the alert as a sentence in the page's language."""
    params = alert.params if isinstance(alert.params, dict) else {}
    try:
        return TEXTS[alert.kind](params)
    except KeyError:  # an unknown kind, or params that lack a value the sentence names
        return _("Alert: %(key)s", key=alert.key)


def shown(alert: Alert) -> dict[str, Any]:
    """Return an alert as the templates show it."""
    return {"key": alert.key, "kind": alert.kind, "severity": alert.severity,
            "text": text(alert), "detail": alert.detail, "count": alert.count,
            "raised_at": alert.raised_at, "cleared_at": alert.cleared_at}  # fmt: skip


def banner() -> dict[str, list[dict[str, Any]]]:
    """Give every page the active alerts, when an admin or supervisor is logged in."""
    user = g.get("user")
    if user is None or user.role not in BANNER_ROLES:
        return {"active_alerts": []}
    return {"active_alerts": [shown(a) for a in alerts.active()]}


def recently_cleared() -> list[dict[str, Any]]:
    """Return the alerts cleared within the last day, newest first."""
    rows = (
        Alert.select()
        .where(Alert.cleared_at >= utcnow() - RECENT)
        .order_by(Alert.cleared_at.desc())
        .limit(RECENT_LIMIT)
    )
    return [shown(a) for a in rows]
