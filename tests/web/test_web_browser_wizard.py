"""The first-run wizard in real headless Chromium: from the setup token to the test call.

The app is served on loopback; the engine behind it is the stand-in answering the
real control protocol (reload, flow.publish, agents).  What is tested is what a
person does and sees: the token, every step's form, a mistake explained with the
input kept, the passwords page, and a phone coming online on the checklist by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import browser
import pytest
from flask import Flask
from helpers_web import StandInEngine
from helpers_web_setup import ADMIN_PASSWORD
from playwright import sync_api as playwright

from appliance.store.models import Agent, Queue, User
from web.setup.token import issue_token


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    with browser.served(app) as base:
        yield base


@pytest.fixture
def page(served: str) -> Iterator[Any]:
    """Return a Chromium page; fail the test on a script error or a CSP refusal."""
    with browser.chromium() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if "Security Policy" in m.text else None)
        yield page
    assert errors == []


def _submit(page: Any) -> None:
    """Press the form's main button."""
    page.locator("main form button[type=submit]").last.click()


def test_the_wizard_from_token_to_test_call(served: str, page: Any, engine: StandInEngine) -> None:
    engine.commands["reload"] = lambda: {"agents": 3}
    engine.commands["flow.publish"] = lambda name, graph: {"name": name, "version": 1}
    token = issue_token()
    page.goto(f"{served}/")
    page.wait_for_url(f"{served}/setup/token")
    page.fill("#f-token", token.lower())  # typed carelessly: still accepted
    _submit(page)

    page.wait_for_url(f"{served}/setup/admin")
    page.fill("#f-username", "boss")
    page.fill("#f-password", ADMIN_PASSWORD)
    page.fill("#f-confirm", "not the same")
    _submit(page)
    playwright.expect(page.locator("#e-confirm")).to_have_text("The two passwords differ.")
    playwright.expect(page.locator("#f-username")).to_have_value("boss")
    page.fill("#f-password", ADMIN_PASSWORD)
    page.fill("#f-confirm", ADMIN_PASSWORD)
    _submit(page)

    page.wait_for_url(f"{served}/setup/locale")
    page.select_option("#f-language", "en")
    page.fill("#f-timezone", "Asia/Shanghai")
    _submit(page)

    page.wait_for_url(f"{served}/setup/trunk")
    page.select_option("#f-kind", "register")
    page.fill("#f-name", "carrier")
    page.fill("#f-host", "sip.carrier.example")
    page.fill("#f-port", "5060")
    page.fill("#f-username", "acct1")
    page.fill("#f-password", "trunk-secret")
    _submit(page)

    page.wait_for_url(f"{served}/setup/agents")
    page.fill("#f-first", "1001")
    page.fill("#f-last", "1003")
    page.fill("#f-names", "Alice Chen\nBob Li")
    _submit(page)
    page.wait_for_url(f"{served}/setup/agents/credentials")
    for agent in Agent.select():
        playwright.expect(page.locator("table.credentials")).to_contain_text(agent.sip_password)
    page.get_by_role("link", name="Continue").click()

    page.wait_for_url(f"{served}/setup/queue")
    page.fill("#f-name", "support")
    _submit(page)

    page.wait_for_url(f"{served}/setup/ivr")
    page.fill("#f-number", "4008001234")
    _submit(page)

    page.wait_for_url(f"{served}/setup/checklist")
    playwright.expect(page.locator("main")).to_contain_text("the engine published it")
    cell = page.locator('tr[data-extension="1001"] .reg')
    playwright.expect(cell).to_have_text("not registered")
    engine.agents = [{"extension": "1001", "registered": True, "contact": "sip:1001@10.0.0.5"}]
    playwright.expect(cell).to_have_text("registered")  # polled: no reload needed
    playwright.expect(cell).to_have_class("reg online")

    assert User.get(User.username == "boss").role == "admin"
    assert [m.agent.extension for m in Queue.get(Queue.name == "support").members] == [
        "1001", "1002", "1003"]  # fmt: skip
    assert any(cmd == "flow.publish" for cmd, _ in engine.received)
    page.get_by_role("button", name="Finish setup").click()
    page.wait_for_url(f"{served}/live")
