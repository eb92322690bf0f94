"""The admin pages in real headless Chromium: an admin builds a queue and an IVR.

The app is served on loopback; the engine behind it is the stand-in answering
reload and the real `FlowCommands` on the test store, so the IVR's checks (its
queue exists, its prompts exist) are the engine's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers_admin import serve_flows
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright
from werkzeug.serving import make_server

from appliance.store.models import IvrFlow, Queue, User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def admin_page(site: str, user: User) -> Iterator[Any]:
    """Return a Chromium page logged in as an admin."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{site}/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{site}/**")
        yield page
        browser.close()


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
