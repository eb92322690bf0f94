"""The reseller's unit list in real headless Chromium: log in, land on it, sort, filter, open."""

from __future__ import annotations

from collections.abc import Iterator

import browser
import pytest
from flask import Flask
from helpers_reseller import make_user, post_report, report
from helpers_web import PASSWORD
from playwright import sync_api as playwright

from web.reseller import services

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """Serve the app with a reseller's three units, each having reported once."""
    acme = make_user("acme", "reseller")
    warning = {"key": "disk.recordings", "kind": "disk_low", "severity": "warning",
               "detail": "8% free"}  # fmt: skip
    client = app.test_client()
    for serial, calls, alerts in (("CB-1", 7, []), ("CB-2", 30, [warning]), ("CB-3", 2, [])):
        with app.test_request_context():
            _, token = services.register(acme, serial, f"Shop {serial}")
        body = report(serial, calls_today=calls, health={"alerts": alerts, "services": {}})
        assert post_report(client, token, body).status_code == 200
    with browser.served(app) as base:
        yield base


def test_the_reseller_sorts_filters_and_opens_a_unit(site: str) -> None:
    expect = playwright.expect
    with browser.chromium() as page:
        browser.log_in(page, site, "acme", PASSWORD)
        page.wait_for_url(f"{site}/reseller/")  # a reseller lands on its units
        rows = page.locator("#units tbody tr")
        expect(rows).to_have_count(3)
        page.click("a[data-sort=calls]")  # ascending
        page.click("a[data-sort=calls]")  # then descending
        expect(page.locator("#units th[aria-sort=descending]")).to_have_count(1)
        assert rows.evaluate_all("rs => rs.map(r => r.dataset.serial)") == ["CB-2", "CB-1", "CB-3"]
        page.select_option("select[name=health]", "warning")
        page.click("#unit-filter button[type=submit]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-serial", "CB-2")
        expect(page.locator("#versions tr[data-version='1.2.0'] td").nth(1)).to_have_text("3")
        page.click("#units a:text('CB-2')")
        expect(page.locator("#alerts")).to_contain_text("disk.recordings")
        expect(page.locator("#alerts")).to_contain_text("8% free")
