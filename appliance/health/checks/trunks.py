"""Check that every registering trunk is registered, and no IP peer stopped answering OPTIONS."""

from __future__ import annotations

from typing import Any

from appliance.config import Settings
from appliance.health.engine_state import NOT_CHECKED, ask
from appliance.health.result import CheckResult, Finding

NAME = "trunks"
ALERT_PREFIXES = ("trunk.",)


def check(settings: Settings) -> CheckResult:
    """Return healthy if no trunk that registers has lost its registration."""
    answer = ask(settings, "trunks")
    if answer is None:
        return CheckResult.passed(NOT_CHECKED)
    trunks = answer.get("trunks", [])
    findings = [_finding(t) for t in trunks if _lost(t)]
    findings += [_unreachable(t) for t in trunks if _silent(t)]
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    registering = sum(1 for t in trunks if t.get("registration"))
    return CheckResult.passed(
        f"{len(trunks)} trunk(s), {registering} registering, all registered, none unreachable"
    )


def _lost(trunk: dict[str, Any]) -> bool:
    """Return true if the trunk registers and is not registered now."""
    registration = trunk.get("registration") or {}
    return bool(registration) and registration.get("state") != "registered"


def _finding(trunk: dict[str, Any]) -> Finding:
    """Return the alert for a trunk whose registration is lost."""
    reg = trunk["registration"]
    params = {"trunk": trunk["name"], "state": reg.get("state", ""), "code": reg.get("code")}
    detail = f"trunk {trunk['name']} is {reg.get('state')} ({reg.get('code')} {reg.get('reason')})"
    return Finding(f"trunk.{trunk['name']}", "trunk_unregistered", params, detail)


def _silent(trunk: dict[str, Any]) -> bool:
    """Return true if the trunk is an IP peer that stopped answering OPTIONS."""
    return bool(trunk.get("reachability")) and trunk["reachability"]["state"] == "unreachable"


def _unreachable(trunk: dict[str, Any]) -> Finding:
    """Return the alert for an IP peer that no longer answers."""
    params = {"trunk": trunk["name"], "host": trunk.get("host", ""), "port": trunk.get("port")}
    detail = f"trunk {trunk['name']} does not answer OPTIONS at {params['host']}:{params['port']}"
    return Finding(f"trunk.{trunk['name']}", "trunk_unreachable", params, detail)
