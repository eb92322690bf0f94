"""The watchdog against a real engine: what it holds live, a refused repair, a real one."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from boxharness import Box, wait_for

from appliance.config import load
from appliance.engine.control import ControlError
from appliance.health import alerts, check_results
from appliance.health.actions import Actions
from appliance.health.checks import discover
from appliance.health.result import CheckResult
from appliance.store.manager import open_store

pytestmark = pytest.mark.e2e
MENU_MS = 2200  # during the menu prompt (as in test_e2e_call)


def agent_on_call(box: Box, extension: str) -> dict[str, Any] | None:
    """Return the agent as `health.live` lists them once they are on a call."""
    live = box.control.call("health.live")
    return next((a for a in live["agents"] if a["extension"] == extension
                 and a["state"] == "on_call"), None)  # fmt: skip


def test_a_live_call_is_not_stuck_until_its_events_are_lost_then_it_is_closed(box: Box) -> None:
    settings = load(env={**box.env, "CALLBOX_WATCHDOG__CALL_QUIET_SECONDS": "0",
                         "CALLBOX_WATCHDOG__FAILURES_BEFORE_ACTION": "1"})  # fmt: skip
    with box.agent("1001") as phone:
        caller = box.sipp_background("caller_menu", menu_ms=MENU_MS, talk_ms=20000)
        try:
            agent = wait_for(lambda: agent_on_call(box, "1001"), 15, "agent 1001 on a call")
            call_id = agent["call_id"]
            assert agent["call_live"] and agent["has_leg"]
            results = check_results(settings, only=("agents", "calls"))
            assert results["agents"].ok and results["calls"].ok, results
            with pytest.raises(ControlError) as refused:
                box.control.call("health.free_agent", extension="1001", call_id=call_id)
            assert refused.value.error_id == "not-stuck"  # talking on a live call
            with sqlite3.connect(settings.paths.database) as conn:  # the call's events are lost
                conn.execute("DELETE FROM call_event WHERE call_id = ?", (call_id,))
            calls = check_results(settings, only=("calls",))["calls"]
            (finding,) = calls.findings
            assert (finding.key, finding.params["why"]) == (f"call.{call_id}", "no_events")
            database = open_store(settings, migrate=False)
            actions = Actions(settings, database)
            actions.apply(discover(), {"calls": calls})
            wait_for(lambda: not box.control.call("health.live")["calls"], 10, "the call closed")
            phone.read_until("disconnected")
        finally:
            caller.kill()
            caller.wait()
    kinds = {e["kind"]: e["data"] for e in box.events(call_id)}
    assert kinds["call.closed"] == {"by": "watchdog"}
    assert kinds["call.ended"]["by"] == "watchdog"
    assert agent_on_call(box, "1001") is None  # freed with the call
    assert [a.key for a in alerts.active()] == [f"call.{call_id}"]
    assert actions.apply(discover(), {"calls": CheckResult.passed("ok")}) == [f"call.{call_id}"]
    database.close()
