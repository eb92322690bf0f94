"""The wallboard in real headless Chromium: charts, htmx forms and broadcasts as a person sees them.

The engine behind the page is the stand-in speaking the real control protocol; the
real-box check (a waiting caller counted within 2 s) is tests/e2e/test_e2e_wallboard.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import browser
import pytest
from flask import Flask
from helpers_web import PASSWORD, StandInEngine, wait_until
from playwright import sync_api as playwright

from appliance.store.models import Agent, Queue, User
from web.auth.services import hash_password

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    with browser.served(app) as base:
        yield base


@pytest.fixture
def page(served: str, engine: StandInEngine) -> Iterator[Any]:
    """Return a Chromium page on the wallboard, logged in as a supervisor."""
    User.create(username="sue", password_hash=hash_password(PASSWORD), role="supervisor")
    Queue.create(name="support", title="Support")
    Agent.create(extension="1001", name="Wang Fang", sip_password="x")
    Agent.create(extension="1002", name="Li Lei", sip_password="x")
    engine.agents = [
        {"extension": "1002", "name": "Li Lei", "registered": True, "state": "ready",
         "queues": ["support"]},
    ]  # fmt: skip
    engine.commands["queues"] = lambda: {"queues": [{"name": "support", "waiting": []}]}
    with browser.chromium() as page:
        browser.log_in(page, served, "sue", PASSWORD)
        page.goto(f"{served}/wallboard")
        playwright.expect(page.locator("#feed-state")).to_have_text("Live")
        yield page


def test_charts_are_drawn_from_the_local_copy_of_chart_js(page: Any) -> None:
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 2
    assert page.locator("#chart-missing").is_hidden()


def test_a_broadcast_is_sent_and_shown_when_it_comes_back(page: Any, engine: StandInEngine) -> None:
    def relay(**args: Any) -> dict[str, Any]:
        data = {"id": args["broadcast_id"], "text": args["text"], "from": args["sender"]}
        engine.publish({"event": "broadcast", "call_id": "", "at": time.time(), "data": data})
        return data

    engine.commands["broadcast"] = relay
    page.click("#broadcast-form button[type=submit]")  # nothing written yet
    playwright.expect(page.locator("#broadcast-result .error")).to_have_text(
        "Write a message to send."
    )
    page.fill("#broadcast-form textarea", "Team meeting at 3")
    page.click("#broadcast-form button[type=submit]")
    playwright.expect(page.locator("#broadcast-result .ok")).to_have_text("Sent to all agents.")
    playwright.expect(page.locator("#wb-broadcasts li").first).to_contain_text("Team meeting at 3")
    assert page.input_value("#broadcast-form textarea") == ""


def test_the_state_form_reaches_the_chosen_agent(page: Any, engine: StandInEngine) -> None:
    engine.commands["agent.state"] = lambda **args: args
    page.select_option("#agent-state-form select[name=extension]", "1002")
    page.select_option("#agent-state-form select[name=state]", "not_ready")
    page.select_option("#agent-state-form select[name=reason]", "lunch")
    page.click("#agent-state-form button[type=submit]")
    playwright.expect(page.locator("#agent-state-result .ok")).to_have_text(
        "Agent 1002 is now: Not ready."
    )
    wait_until(lambda: engine.received[-1][0] == "agent.state")
    assert engine.received[-1][1] == {"extension": "1002", "state": "not_ready", "reason": "lunch"}


def test_a_lost_feed_comes_back_by_itself_when_the_engine_returns(
    page: Any, engine: StandInEngine
) -> None:
    engine.server.stop()  # the engine goes away: the page says so, the stream ends
    banner = page.locator("#engine-status")
    playwright.expect(banner).to_be_visible()
    again = StandInEngine(engine.path)
    again.agents, again.commands = engine.agents, engine.commands
    again.server.start()
    try:  # the browser reconnects after the stream's retry time (5 s) and gets a snapshot
        playwright.expect(banner).to_be_hidden(timeout=15_000)
        playwright.expect(page.locator("#feed-state")).to_have_text("Live")
        again.wait_for_subscribers()
    finally:
        again.server.stop()
