"""Check that no agent is stuck ringing, or on a call the engine no longer holds.

An agent is stuck when the engine marks them ringing or on a call that it holds no
live call for (or no leg of theirs in it), or when they have been seen ringing for
the same call longer than the longest ring timeout plus watchdog.ring_grace_seconds.
Each stuck agent is a finding the watchdog repairs with ``health.free_agent``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from appliance.config import Settings
from appliance.health.engine_state import NOT_CHECKED, ask
from appliance.health.result import CheckResult, Finding

NAME = "agents"
ALERT_PREFIXES = ("agent.",)
_ringing_since: dict[tuple[str, str], float] = {}  # (extension, call_id) → first seen ringing
_lock = threading.Lock()


def check(settings: Settings) -> CheckResult:
    """Return healthy if every agent the engine marks busy is busy with a live call."""
    answer = ask(settings, "health.live")
    if answer is None:
        return CheckResult.passed(NOT_CHECKED)
    limit = float(answer.get("ring_limit", 0)) + settings.watchdog.ring_grace_seconds
    busy = answer.get("agents", [])
    _forget_all_but(busy)
    findings = [f for agent in busy if (f := _stuck(agent, _rung_for(agent), limit))]
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    return CheckResult.passed(f"{len(busy)} agent(s) busy, none stuck")


def _forget_all_but(busy: list[dict[str, Any]]) -> None:
    """Forget the rings of agents no longer ringing for the same call."""
    ringing = {(a["extension"], a.get("call_id") or "") for a in busy if a["state"] == "ringing"}
    with _lock:
        for key in set(_ringing_since) - ringing:
            del _ringing_since[key]


def _rung_for(agent: dict[str, Any]) -> float:
    """Return how long this process has seen the agent ringing for this call (0 if not)."""
    now = time.monotonic()
    with _lock:
        if agent["state"] != "ringing":
            return 0.0
        key = (agent["extension"], agent.get("call_id") or "")
        return now - _ringing_since.setdefault(key, now)


def _stuck(agent: dict[str, Any], rung: float, limit: float) -> Finding | None:
    """Return the finding for a stuck agent, or None."""
    extension, call_id, state = agent["extension"], agent.get("call_id") or "", agent["state"]
    if not agent.get("call_live"):
        why = "no_call"
    elif not agent.get("has_leg"):
        why = "no_leg"
    elif state == "ringing" and rung > limit:
        why = "ringing_too_long"
    else:
        return None
    params = {"extension": extension, "state": state, "call_id": call_id, "why": why}
    detail = f"agent {extension} {state} on {call_id or 'no call'}: {why.replace('_', ' ')}"
    repair = ("health.free_agent", {"extension": extension, "call_id": call_id})
    return Finding(f"agent.{extension}", "agent_stuck", params, detail, repair=repair)
