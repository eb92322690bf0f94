"""The live page in real headless Chromium: a supervisor listens, whispers, barges.

The page is served by the real app on loopback; the engine behind it is the real
control protocol answered by the stand-in (the engine's own checks are proven by
tests/e2e/test_e2e_monitor.py).  What is tested here is what a person sees: the
buttons reach the engine with the right fields, and the engine's refusal (a call
that just ended) is shown as the engine worded it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import browser
import pytest
from flask import Flask
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright

from appliance.engine.control import CommandError
from appliance.store.models import User


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    with browser.served(app) as base:
        yield base


@pytest.fixture
def page(served: str, user: User) -> Iterator[Any]:
    """Return a Chromium page logged in as user."""
    with browser.chromium() as page:
        browser.log_in(page, served, user.username, PASSWORD)
        yield page


def test_supervise_buttons_reach_the_engine_and_show_its_refusal(
    served: str, page: Any, engine: StandInEngine
) -> None:
    engine.calls = [
        {"call_id": "c1", "from": "13800138000", "to": "100", "state": "talking",
         "queue": "support", "agent": "1001", "started_at": time.time() - 30},
    ]  # fmt: skip
    engine.commands["call.monitor"] = lambda **args: {"call_id": "c1", **args}
    page.goto(f"{served}/live")
    row = page.locator('tr[data-call-id="c1"]')
    page.fill("#supervisor-ext", "1004")
    row.get_by_role("button", name="Whisper").click()
    status = page.locator("#supervise-status")
    playwright.expect(status).to_have_text("Ringing your phone…")
    assert engine.received[-1] == (
        "call.monitor",
        {"call_id": "c1", "supervisor": "1004", "mode": "whisper"},
    )

    def ended(**_: Any) -> None:
        raise CommandError("no-such-call", "no call 'c1' in progress")

    engine.commands["call.monitor"] = ended  # the caller hung up meanwhile
    row.get_by_role("button", name="Barge").click()
    playwright.expect(status).to_have_text("no call 'c1' in progress")
    playwright.expect(status).to_have_class("error")


def test_a_broadcast_shows_on_the_live_page_as_it_comes(
    served: str, page: Any, engine: StandInEngine
) -> None:
    page.goto(f"{served}/live")
    playwright.expect(page.locator("#feed-state")).to_have_text("Live")
    engine.wait_for_subscribers()
    data = {"id": 1, "text": "All hands: queue is long", "from": "sue"}
    engine.publish({"event": "broadcast", "call_id": "", "at": time.time(), "data": data})
    first = page.locator("#live-broadcasts li").first
    playwright.expect(first.locator(".text")).to_have_text("All hands: queue is long")
    playwright.expect(first.locator(".from")).to_have_text("sue")
