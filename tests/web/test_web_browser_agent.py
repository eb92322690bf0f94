"""The agent console in headless Chromium against the stand-in engine.

The screen pop comes from an `agent.ringing` on the agent's stream; the record is
edited in place (a refusal keeps what was typed); a click on a number sends
click-to-dial to the engine.  With a real engine and phones:
tests/e2e/test_e2e_screen_pop.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browser
import pytest
from agent_support import agent_row, agent_user, customer
from flask import Flask
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright

from appliance.store.models import Customer, User

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one

__all__ = ["agent_row", "agent_user", "customer"]  # fixtures


@pytest.fixture
def console(app: Flask, agent_user: User, engine: StandInEngine) -> Iterator[Any]:
    """Return the agent's console open in Chromium, its stream connected."""
    with browser.served(app) as url, browser.chromium() as page:
        browser.log_in(page, url, agent_user.username, PASSWORD, then="/agent")
        playwright.expect(page.locator("#feed-state")).to_have_text("Live")
        engine.wait_for_subscribers()
        yield page


def test_pop_edit_in_place_and_click_to_dial(
    console: Any, engine: StandInEngine, customer: Customer
) -> None:
    engine.publish({"event": "agent.ringing", "call_id": "live1", "at": 1.0, "leg": "",
                    "data": {"agent": "1001", "queue": "support"}})  # fmt: skip
    playwright.expect(console.locator("#pop .customer-name")).to_contain_text("ACME Trading")
    playwright.expect(console.locator("#call-status")).to_have_text("Ringing")
    console.locator("#pop details.edit-customer summary").click()
    form = console.locator("#pop form.customer-form")
    form.locator("input[name=name]").fill("ACME Holdings")
    form.locator("input[name=vip]").fill("42")
    form.locator("button[type=submit]").click()
    refused = console.locator("#pop form.customer-form")
    playwright.expect(refused.locator(".error").first).to_be_visible()
    playwright.expect(refused.locator("input[name=name]")).to_have_value("ACME Holdings")
    refused.locator("input[name=vip]").fill("3")
    refused.locator("button[type=submit]").click()
    playwright.expect(console.locator("#pop .saved")).to_be_visible()
    assert (Customer.get_by_id(customer.id).name, Customer.get_by_id(customer.id).vip) == (
        "ACME Holdings", 3
    )  # fmt: skip

    engine.commands["agent.dial"] = lambda **args: {"call_id": "d1", **args}
    console.locator('#pop a[data-dial="010 6552 9988"]').click()
    playwright.expect(console.locator("#dial-status")).to_contain_text("phone is ringing")
    assert engine.received[-1] == ("agent.dial", {"extension": "1001", "number": "010 6552 9988"})
