"""The admin pages in real headless Chromium: an admin builds a queue and an IVR.

The app is served on loopback; the engine behind it is the stand-in answering
reload and the real `FlowCommands` on the test store, so the IVR's checks (its
queue exists, its prompts exist) are the engine's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from flask import Flask
from helpers_admin import serve_flows
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright

from appliance.store.models import IvrFlow, Queue, User


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    with browser.served(app) as base:
        yield base


@pytest.fixture
def admin_page(site: str, user: User) -> Iterator[Any]:
    """Return a Chromium page logged in as an admin."""
    with browser.chromium() as page:
        browser.log_in(page, site, user.username, PASSWORD)
        yield page


def test_an_admin_builds_a_queue_and_an_ivr(
    site: str, admin_page: Any, engine: StandInEngine, tmp_path: Path
) -> None:
    serve_flows(engine, tmp_path / "prompts")
    page = admin_page
    expect = playwright.expect
    page.click("text=Admin")
    page.click(".admin-nav >> text=Queues")
    page.click("text=New")
    page.fill("#f-name", "Sales")  # not a valid name: the page says so and keeps the rest
    page.fill("#f-title", "Sales team")
    page.select_option("#f-strategy", "round_robin")
    page.click("button:has-text('Save')")
    expect(page.locator("#e-name")).to_contain_text("Lowercase letters")
    expect(page.locator("#f-title")).to_have_value("Sales team")
    page.fill("#f-name", "sales")
    page.click("button:has-text('Save')")
    expect(page.locator(".flash")).to_have_text("sales saved.")
    assert Queue.get(Queue.name == "sales").strategy == "round_robin"

    page.click(".admin-nav >> text=IVR flows")
    page.fill("#f-name", "main")
    page.click("button:has-text('Create')")
    new = page.locator("fieldset.node").last  # the empty "add a node" row
    new.locator("input[name$='-id']").fill("sales")
    new.locator("select").select_option("queue")  # the editor comes back with its fields
    node = page.locator('fieldset[data-node="sales"]')
    expect(node.locator("input[name$='-queue']")).to_be_visible()
    node.locator("input[name$='-queue']").fill("salse")  # a typo the engine catches
    page.locator('fieldset[data-node="welcome"] input[name$="-next"]').fill("sales")
    page.click("button:has-text('Publish')")
    expect(node.locator(".node-error")).to_contain_text("queue 'salse' does not exist")
    bye = page.locator('fieldset[data-node="bye"]')
    expect(bye.locator(".node-error")).to_contain_text("no call can reach this node")
    node.locator("input[name$='-queue']").fill("sales")
    bye.locator("input[name$='-remove']").check()
    page.click("button:has-text('Publish')")
    expect(page.locator(".flash")).to_have_text("Version 1 of main is live.")
    live = IvrFlow.get(IvrFlow.name == "main", IvrFlow.active == True)  # noqa: E712
    assert live.graph["nodes"]["sales"] == {"type": "queue", "queue": "sales"}
    assert live.graph["nodes"]["welcome"]["next"] == "sales" and "bye" not in live.graph["nodes"]
