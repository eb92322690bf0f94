"""The wallboard in headless Chromium on a real box: a waiting caller counts within 2 s.

Kamailio and the engine run on loopback (tests/support/boxharness.py), the web app is
served in this process on the same store, and a SIPp caller on the demo trunk is put
straight into `support`, where nobody is registered (join_when=always), so they wait.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import browser
import pytest
from boxharness import Box, wait_for
from playwright import sync_api as playwright

from appliance.store.models import InboundNumber, User
from web import create_app
from web.auth.services import hash_password

pytestmark = pytest.mark.e2e

PASSWORD = "wallboard test password"
WAITING = "() => document.querySelector('[data-queue=support] .wb-waiting')?.textContent.trim()"


@pytest.fixture
def web(box: Box) -> Iterator[str]:
    """Serve the web app on the box's store; return its base URL."""
    app = create_app({"CALLBOX_SETTINGS": box.settings, "TESTING": True})
    User.create(username="sue", password_hash=hash_password(PASSWORD), role="supervisor")
    with browser.served(app) as base:
        yield base


@pytest.fixture
def page(web: str) -> Iterator[Any]:
    """Return a Chromium page logged in as a supervisor."""
    with browser.chromium() as page:
        browser.log_in(page, web, "sue", PASSWORD)
        yield page


def test_the_wallboard_counts_a_waiting_caller_within_2_s(box: Box, web: str, page: Any) -> None:
    InboundNumber.create(number="200", target_type="queue", target="support")
    box.set_queue(join_when="always")  # reloads the engine; no agent is registered
    page.goto(f"{web}/wallboard")
    playwright.expect(page.locator("#feed-state")).to_have_text("Live")
    assert page.evaluate(WAITING) == "0"
    caller = box.sipp_background("caller_hold_bye", number="200", menu_ms=1000)
    try:
        seen = page.wait_for_function(
            f"() => ({WAITING})() === '1' && Date.now() / 1000", polling=50, timeout=15_000
        ).json_value()
        call_id = box.live_call()
        joined = wait_for(lambda: _joined_at(box, call_id), 5, "queue.joined")
        assert seen - joined < 2.0, f"shown {seen - joined:.2f} s after the caller joined"
        longest = page.locator("[data-queue=support] .wb-longest")
        playwright.expect(longest).to_have_text(re.compile(r"^\d+:\d\d$"))  # ticking m:ss
        assert page.evaluate("() => typeof Chart") == "function"  # served from static/vendor
    finally:
        caller.kill()
        with contextlib.suppress(Exception):
            caller.wait(5)


def _joined_at(box: Box, call_id: str) -> float | None:
    """Return when the call's queue.joined event happened, if it did yet."""
    joined = [e["at"] for e in box.events(call_id) if e["kind"] == "queue.joined"]
    return float(joined[0]) if joined else None
