"""The dialer's pages and the console's campaign panel in Chinese show no English left."""

from __future__ import annotations

import io
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_dialer import CSV_ONE_BAD, sales_queue
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, csrf_from, login

from appliance.store import campaigns
from appliance.store.models import Campaign, CampaignContact, DialAttempt, User
from web.auth.services import hash_password

DATA = ["owner", "1001", "Wang", "Fang", "sales", "Asia/Shanghai", "ACME", "客户.csv", "b.csv"]
TERMS = ["CSV", "XLSX", "Excel", "UTF-8", "GBK", "UNIX", "IVR", "Chart.js", "UTC", "queue:sales"]


@pytest.fixture
def chinese(app: Flask, client: FlaskClient) -> Campaign:
    """Log in a Chinese-speaking admin at 1001; return a campaign of queue sales with a list."""
    sales_queue()
    User.create(
        username="owner",
        password_hash=hash_password(PASSWORD),
        role="admin",
        language="zh_CN",
        extension="1001",
    )
    assert login(client, "owner", PASSWORD).status_code == 302
    row = campaigns.create_campaign(
        "回访",
        "preview",
        queue="sales",
        status="running",
        window={"mon": ["09:00-20:00"]},
        script="您好，这里是 ACME",
    )
    campaigns.import_contacts(row, CSV_ONE_BAD, "客户.csv", "CN")
    return row


def _pages(row: Campaign) -> list[str]:
    """Return the dialer's pages of a campaign."""
    listing = row.lists.get()
    return [
        "/campaigns/",
        "/campaigns/new",
        f"/campaigns/{row.id}",
        f"/campaigns/{row.id}/edit",
        f"/campaigns/{row.id}/import",
        f"/campaigns/{row.id}/lists/{listing.id}",
        f"/campaigns/{row.id}/dnc",
        "/campaigns/dnc",
        "/agent",
        "/agent/campaign/preview",
    ]


def test_every_dialer_page_in_chinese(client: FlaskClient, chinese: Campaign) -> None:
    for path in _pages(chinese):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_translated(response.get_data(as_text=True), allowed=DATA + TERMS)


def test_the_mapping_step_and_the_popped_record_in_chinese(
    client: FlaskClient, chinese: Campaign
) -> None:
    token = csrf_from(client.get("/campaigns/new").get_data(as_text=True))
    upload = {"file": (io.BytesIO(CSV_ONE_BAD), "b.csv"), "csrf_token": token}
    page = client.post(
        f"/campaigns/{chinese.id}/import", data=upload, content_type="multipart/form-data"
    )
    assert_translated(page.get_data(as_text=True), allowed=DATA + TERMS)
    contact = CampaignContact.get()
    attempt = DialAttempt.create(
        campaign=chinese,
        contact=contact,
        number=contact.number,
        agent="1001",
        started_at=time.time(),
    )
    pop = client.get(
        f"/agent/campaign/pop?campaign={chinese.id}&contact={contact.id}&attempt={attempt.id}"
    )
    assert_translated(pop.get_data(as_text=True), allowed=DATA + TERMS)
