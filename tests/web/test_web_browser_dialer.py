"""The dialer in real headless Chromium.

A supervisor creates a campaign, imports a CSV with one bad row (the report shows it),
starts it with no engine running (the store's rule moves it) and reads the detail
page's figures.  An agent previews a record and dials it, gets the call popped on the
console (the stand-in engine publishes `campaign.connected` on the real control
protocol) and posts the disposition form.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from agent_support import make_user
from flask import Flask
from helpers_dialer import CSV_ONE_BAD, sales_queue
from helpers_web import PASSWORD, StandInEngine
from playwright import sync_api as playwright

from appliance.store import campaigns
from appliance.store.models import Campaign, CampaignContact, DialAttempt

pytestmark = pytest.mark.usefixtures("admin_exists")
expect = playwright.expect


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; return its base URL."""
    sales_queue()
    with browser.served(app) as base:
        yield base


def test_create_import_start_and_read_the_figures(site: str, tmp_path: Path) -> None:
    make_user("sue", "supervisor")
    contacts = tmp_path / "客户.csv"
    contacts.write_bytes(CSV_ONE_BAD)
    with browser.chromium() as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        browser.log_in(page, site, "sue", PASSWORD)
        page.click("nav >> text=Campaigns")
        page.click("text=New campaign")
        page.fill("#f-name", "回访")
        page.select_option("#f-queue", "sales")
        page.fill("#f-script", "Ask about the order.")
        page.click("button:has-text('Save')")
        expect(page.locator(".flash")).to_have_text("回访 saved.")

        page.click("text=Import contacts")
        page.set_input_files("#f-file", str(contacts))
        page.click("#upload-form button[type=submit]")
        expect(page.locator("#f-number")).to_have_value("手机")
        page.click("#mapping-form button[type=submit]")
        expect(page.locator("#imported")).to_have_text("2 imported")
        expect(page.locator("#rejected-rows tbody tr")).to_have_count(1)
        expect(page.locator("#rejected-rows")).to_contain_text("No such number")

        page.click("text=Back to the campaign")
        page.click("button[data-action=start]")
        expect(page.locator(".flash")).to_contain_text("The engine is not reachable")
        expect(page.locator("#campaign-status")).to_have_text("Running")
        expect(page.locator('[data-figure="done"]')).to_have_text("0 / 2")
        expect(page.locator("#live-notice")).to_contain_text("not reachable")
        expect(page.locator("#contacts tbody tr")).to_have_count(2)
        assert Campaign.get().status == "running"
        assert not errors, errors


@pytest.fixture
def connected(site: str) -> DialAttempt:
    """Return a running preview campaign's dial put through to agent 1001 (queue sales)."""
    row = campaigns.create_campaign(
        "回访",
        "preview",
        queue="sales",
        status="running",
        window={"mon": ["09:00-20:00"]},
        script="Ask about the order.",
    )
    campaigns.import_contacts(row, CSV_ONE_BAD, "a.csv", "CN")
    contact = CampaignContact.get(CampaignContact.name == "张三")
    return DialAttempt.create(
        campaign=row, contact=contact, number=contact.number, agent="1001", started_at=time.time()
    )


def test_the_agent_gets_the_record_and_posts_the_disposition(
    site: str, connected: DialAttempt, engine: StandInEngine
) -> None:
    make_user("wang", "agent", "1001")
    received: list[dict[str, Any]] = []
    engine.commands["campaign.disposition"] = lambda **args: received.append(args) or {}
    with browser.chromium() as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        browser.log_in(page, site, "wang", PASSWORD, then="/agent")
        expect(page.locator("#feed-state")).to_have_text("Live")
        engine.wait_for_subscribers()
        contact = {
            "id": connected.contact_id,
            "number": connected.number,
            "name": "张三",
            "fields": {"城市": "北京"},
        }
        engine.commands["campaign.preview_next"] = lambda agent: {
            "contact": contact,
            "campaign": {
                "id": connected.campaign_id,
                "name": "回访",
                "script": "Ask about the order.",
            },
        }
        engine.commands["campaign.preview_dial"] = lambda agent, contact: {}
        page.click("#preview-next")
        expect(page.locator("#campaign-panel .contact-name")).to_have_text("张三")
        page.click("button[data-preview=dial]")
        expect(page.locator("#campaign-message")).to_have_text("Dialling…")
        assert ("campaign.preview_dial", {"agent": "1001", "contact": connected.contact_id}) in (
            engine.received
        )
        engine.publish(
            {
                "event": "campaign.connected",
                "call_id": "c1",
                "at": time.time(),
                "leg": "",
                "data": {
                    "agent": "1001",
                    "call": "c1",
                    "campaign": connected.campaign_id,
                    "contact": connected.contact_id,
                    "attempt": connected.id,
                },
            }
        )
        record = page.locator("#campaign-record")
        expect(record.locator(".contact-name")).to_have_text("张三")
        expect(record).to_contain_text("Ask about the order.")
        expect(record).to_contain_text("北京")
        record.locator("button[type=submit]").click()  # no disposition chosen: refused
        expect(page.locator("#campaign-record .error")).to_contain_text("Choose a disposition")
        form = page.locator("#disposition-form")
        form.locator("select[name=disposition]").select_option("interested")
        form.locator("textarea[name=note]").fill("wants a quote")
        form.locator("button[type=submit]").click()
        expect(page.locator("#campaign-message")).to_have_text("Saved.")
        assert errors == []
    assert len(received) == 1
    assert (received[0]["attempt"], received[0]["disposition"], received[0]["note"]) == (
        connected.id,
        "interested",
        "wants a quote",
    )
