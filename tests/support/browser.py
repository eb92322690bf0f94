"""Debian's Chromium driven by Playwright, and the app served on loopback, for browser tests.

`served(app)` serves a Flask app on a free loopback port and yields its base URL;
`chromium()` yields a page of a headless Chromium (Debian's, never a downloaded one)
on a closed network; `log_in(page, base, username, password)` logs in through the
login form and waits to be sent on.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from flask import Flask
from playwright import sync_api as playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Chromium on a closed network: no background connections, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


@contextlib.contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve app on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Yield a new page of a headless Chromium (10 s timeouts)."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            browser.close()


def log_in(page: Any, base: str, username: str, password: str, then: str = "") -> None:
    """Log in through the login form (then: the page to be sent on to) and wait for it."""
    page.goto(f"{base}/login" + (f"?next={then}" if then else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{then}" if then else f"{base}/**")
