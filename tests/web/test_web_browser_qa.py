"""QA in headless Chromium: a supervisor scores a call while listening, the agent sees it."""

from __future__ import annotations

import browser
import pytest
from flask import Flask
from helpers_qa import CALL, recorded_call, scorecard
from helpers_web import PASSWORD
from playwright import sync_api as playwright

from appliance.config import Settings
from appliance.store.models import QaEvaluation, User
from web.auth.services import hash_password

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


def test_a_supervisor_scores_while_listening_and_the_agent_sees_it(
    app: Flask, settings: Settings
) -> None:
    recorded_call(settings)
    scorecard()
    for name, role, extension in (("sup", "supervisor", ""), ("lilei", "agent", "1001")):
        User.create(username=name, password_hash=hash_password(PASSWORD), role=role,
                    extension=extension)  # fmt: skip
    expect = playwright.expect
    with browser.served(app) as base, browser.chromium() as page:
        browser.log_in(page, base, "sup", PASSWORD, then="/qa/")
        page.click(f'tr[data-call="{CALL}"] >> text=Listen and score')
        audio = page.locator("audio#qa-recording")
        expect(audio).to_have_attribute("src", f"/recordings/{CALL}")
        page.wait_for_function("document.querySelector('#qa-recording').readyState >= 1")
        assert audio.evaluate("a => a.duration") == pytest.approx(1.0, abs=0.1)  # served, decoded
        page.fill("#f-points-0", "7")  # above the 5 points: explained, the rest kept
        page.fill("#f-points-1", "5")
        page.fill("#f-comment", "Polite, but slow to find the order.")
        page.click("button:has-text('Save the score')")
        expect(page.locator("#e-points-0")).to_have_text("At most 5 points.")
        expect(page.locator("#f-comment")).to_have_value("Polite, but slow to find the order.")
        page.fill("#f-points-0", "5")
        page.click("button:has-text('Save the score')")
        expect(page.locator(".flash")).to_have_text("Saved: 62.5%.")
        assert QaEvaluation.get().score == 62.5
        page.click("button:has-text('Log out')")
        browser.log_in(page, base, "lilei", PASSWORD, then="/qa/mine")
        row = page.locator("table.qa-evaluations tbody tr")
        expect(row).to_contain_text("62.5%")
        expect(row).to_contain_text("Polite, but slow to find the order.")
