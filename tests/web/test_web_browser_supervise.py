"""The live page in real headless Chromium: a supervisor listens, whispers, barges.

The page is served by the real app on loopback; the engine behind it is the real
control protocol answered by the stand-in (the engine's own checks are proven by
tests/e2e/test_e2e_monitor.py).  What is tested here is what a person sees: the
buttons reach the engine with the right fields, and the engine's refusal (a call
that just ended) is shown as the engine worded it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright
from werkzeug.serving import make_server

from appliance.engine.control import CommandError
from appliance.store.models import User

CHROMIUM = "/usr/bin/chromium"
# Chromium on a closed network: no background connections, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(served: str, user: User) -> Iterator[Any]:
    """Return a Chromium page logged in as user."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{served}/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{served}/**")
        yield page
        browser.close()


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
