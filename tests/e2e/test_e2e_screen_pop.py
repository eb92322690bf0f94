"""The agent console on a real box: screen pop before answer, and click-to-dial.

A SIPp caller whose number belongs to a customer dials the demo IVR and presses 2
(support); the agent's pjsua2 phone rings for a few seconds before it answers, and
the agent's page in headless Chromium must show the customer's name while the
engine still has the call ringing.  Then a click on the customer's number rings
the agent's own phone, and once answered the box calls the number on the trunk
(a SIPp far end) and bridges the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browser
import pytest
from boxharness import Box, wait_for
from playwright import sync_api as playwright

from appliance.engine.control import ControlError
from appliance.store.models import Agent, Customer, User
from web import create_app
from web.auth.services import hash_password

pytestmark = pytest.mark.e2e

PASSWORD = "agent console password"
CUSTOMER_NUMBER = "13600136000"
ANSWER_MS = 4000  # long enough to see the pop while the phone rings


@pytest.fixture
def served(box: Box) -> Iterator[str]:
    """Serve the web app for the box's store on a free loopback port; return its URL."""
    with browser.served(create_app({"CALLBOX_SETTINGS": box.settings, "TESTING": True})) as base:
        yield base


@pytest.fixture
def console(box: Box, served: str) -> Iterator[Any]:
    """Return the agent console of a user working at 1001, open in Chromium."""
    owner = Agent.get(Agent.extension == "1001")
    Customer.create(number=CUSTOMER_NUMBER, name="Zhou Trading", company="Zhou Ltd", owner=owner)
    User.create(username="zhou", password_hash=hash_password(PASSWORD), role="agent",
                extension="1001")  # fmt: skip
    with browser.chromium() as page:
        browser.log_in(page, served, "zhou", PASSWORD, then="/agent")
        playwright.expect(page.locator("#feed-state")).to_have_text("Live")
        yield page


def press(console: Any, *operations: str) -> None:
    """Click the console's call controls in turn, each accepted by the engine."""
    playwright.expect(console.locator("#call-status")).to_have_text("On call")
    message = console.locator("#call-message")
    for operation in operations:
        message.evaluate("node => { node.textContent = ''; }")
        console.locator(f'#call-controls button[data-op="{operation}"]').click()
        playwright.expect(message).to_have_text("Done.")


def test_screen_pop_before_answer_then_click_to_dial(box: Box, console: Any) -> None:
    refusals = {("1001", CUSTOMER_NUMBER): "not-registered", ("1001", "sip:x@y"): "bad-number",
                ("4242", CUSTOMER_NUMBER): "no-such-agent"}  # fmt: skip
    for (extension, number), error_id in refusals.items():
        with pytest.raises(ControlError) as refused:
            box.control.call("agent.dial", extension=extension, number=number)
        assert refused.value.error_id == error_id
    with box.agent("1001", answer_ms=ANSWER_MS) as phone:
        caller = box.sipp_background("caller_hold_bye", caller=CUSTOMER_NUMBER, menu_ms=1500)
        try:
            phone.read_until("incoming", 20)
            name = console.locator("#pop .customer-name")
            playwright.expect(name).to_have_text("Zhou Trading", timeout=ANSWER_MS - 1000)
            calls = box.control.call("calls")["calls"]
            assert [c["state"] for c in calls] == ["ringing"]  # shown before the answer
            playwright.expect(console.locator("#pop .ivr-path")).to_contain_text("Pressed 2")
            with pytest.raises(ControlError, match="is ringing"):  # not the agent's to end yet
                box.control.call("call.hangup", call_id=calls[0]["call_id"])
            phone.read_until("confirmed", 10)
            press(console, "recording/pause", "recording/resume", "recording/stop", "hangup")
            phone.read_until("disconnected", 10)
            caller.wait(20)
        finally:
            if caller.poll() is None:
                caller.kill()
        with box.far_end("trunk_answer", ring_ms=300):
            console.locator(f'#pop a[data-dial="{CUSTOMER_NUMBER}"]').first.click()
            playwright.expect(console.locator("#dial-status")).to_contain_text("phone is ringing")
            assert phone.read_until("incoming", 10)  # the agent's own phone rings first
            call_id = box.live_call()
            wait_for(lambda: "dial.answered" in box.kinds(call_id), 15, "the callee to answer")
            press(console, "recording/start", "hangup")
            phone.read_until("disconnected", 10)
            cdr = box.wait_cdr(2, 30)
    steps = [k for k in box.kinds(cdr["call_id"]) if k.startswith("dial.")]
    assert steps == ["dial.ringing", "dial.calling", "dial.answered"]
    assert (cdr["direction"], cdr["from_number"], cdr["to_number"]) == (
        "outbound", "1001", CUSTOMER_NUMBER
    )  # fmt: skip
    assert cdr["recording"]  # started from the console: click-to-dial calls have no queue
    first = box.cdrs()[0]
    recording = [k for k in box.kinds(first["call_id"]) if k.startswith("recording.")]
    assert recording == ["recording.started", "recording.paused", "recording.resumed",
                         "recording.stopped"]  # fmt: skip
    assert first["outcome"] == "answered"
