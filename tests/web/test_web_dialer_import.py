"""Importing a contact list from the page (mapping, report) and the do-not-call lists."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from helpers_admin import log_in_as
from helpers_dialer import CAMPAIGN_FORM, CSV_ONE_BAD, post, sales_queue

from appliance.store.models import AuditEntry, Campaign, CampaignContact, DoNotCallNumber

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def campaign(client: FlaskClient) -> Campaign:
    """Return a campaign created from the form, the client logged in as a supervisor."""
    sales_queue()
    log_in_as(client, "supervisor")
    assert post(client, "/campaigns/new", CAMPAIGN_FORM).status_code == 302
    return Campaign.get()


def _upload(client: FlaskClient, path: str, data: bytes, name: str) -> tuple[int, str]:
    """Upload a file as the page's form does; return the status and the page."""
    response = post(
        client, path, {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    return response.status_code, response.get_data(as_text=True)


def _token(page: str) -> str:
    """Return the waiting upload's token on the mapping page."""
    match = re.search(r'name="token" value="([0-9a-f]{32})"', page)
    assert match, page
    return match.group(1)


def test_upload_guesses_the_mapping_then_imports_with_a_report(
    client: FlaskClient, campaign: Campaign
) -> None:
    status, page = _upload(client, f"/campaigns/{campaign.id}/import", CSV_ONE_BAD, "客户.csv")
    assert status == 200
    assert '<option value="手机" selected>' in page and '<option value="姓名" selected>' in page
    assert CampaignContact.select().count() == 0  # nothing until the mapping is confirmed
    form = {
        "token": _token(page),
        "filename": "客户.csv",
        "number": "手机",
        "name": "姓名",
        "timezone": "",
    }
    report = post(client, f"/campaigns/{campaign.id}/import/confirm", form)
    text = report.get_data(as_text=True)
    assert report.status_code == 200
    assert "2 imported" in text and "1 not imported" in text
    assert re.search(r"<td>3</td><td>手机</td>\s*<td>No such number</td><td>12345</td>", text)
    assert sorted(c.name for c in CampaignContact.select()) == ["张三", "王五"]
    assert CampaignContact.get(CampaignContact.name == "张三").fields == {"城市": "北京"}
    entry = AuditEntry.get(AuditEntry.action == "import")
    assert entry.after == {"file": "客户.csv", "imported": 2, "rejected": 1}
    again = post(client, f"/campaigns/{campaign.id}/import/confirm", form)  # the file is gone
    assert again.status_code == 400 and "upload it again" in again.get_data(as_text=True)
    listing = client.get(f"/campaigns/{campaign.id}/import").get_data(as_text=True)
    assert "客户.csv" in listing


def test_a_mapping_to_no_column_is_refused_on_its_field(
    client: FlaskClient, campaign: Campaign
) -> None:
    _status, page = _upload(client, f"/campaigns/{campaign.id}/import", CSV_ONE_BAD, "a.csv")
    form = {"token": _token(page), "filename": "a.csv", "number": "", "name": "姓名"}
    refused = post(client, f"/campaigns/{campaign.id}/import/confirm", form)
    assert refused.status_code == 400
    assert "Choose the column holding the numbers" in refused.get_data(as_text=True)
    form = {**form, "number": "手机", "timezone": "nope"}
    refused = post(client, f"/campaigns/{campaign.id}/import/confirm", form)
    assert "Choose a column of the file" in refused.get_data(as_text=True)
    assert CampaignContact.select().count() == 0
    bad_token = post(
        client,
        f"/campaigns/{campaign.id}/import/confirm",
        {**form, "token": "../../etc/passwd", "timezone": ""},
    )
    assert bad_token.status_code == 400


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"\x00\x01\x02binary", "x.csv", "binary"),
        (b"PK\x03\x04broken zip", "x.xlsx", "nothing was imported"),
    ],
)
def test_an_unreadable_file_is_one_error_and_nothing_imported(
    client: FlaskClient, campaign: Campaign, data: bytes, name: str, words: str
) -> None:
    status, page = _upload(client, f"/campaigns/{campaign.id}/import", data, name)
    assert status == 400 and 'id="import-error"' in page and words in page
    assert CampaignContact.select().count() == 0
    no_file = post(client, f"/campaigns/{campaign.id}/import", {})
    assert no_file.status_code == 400 and "the file is empty" in no_file.get_data(as_text=True)


def test_campaign_dnc_add_remove_and_a_bad_number(client: FlaskClient, campaign: Campaign) -> None:
    path = f"/campaigns/{campaign.id}/dnc"
    assert post(client, path, {"number": "138 0013 8000", "note": "asked"}).status_code == 302
    entry = DoNotCallNumber.get()
    assert (entry.number, entry.campaign_id, entry.note) == ("+8613800138000", campaign.id, "asked")
    refused = post(client, path, {"number": "12ab", "note": "x"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="e-number"' in page and 'value="12ab"' in page
    assert "+8613800138000" in client.get(path).get_data(as_text=True)
    assert "+8613800138000" not in client.get("/campaigns/dnc").get_data(as_text=True)
    assert post(client, f"/campaigns/dnc/{entry.id}/delete", {}).status_code == 302
    assert DoNotCallNumber.select().count() == 0
    areas = [
        (e.object_key, e.action)
        for e in AuditEntry.select().where(AuditEntry.area == "do_not_call")
    ]
    assert areas == [(campaign.name, "create"), (campaign.name, "delete")]


def test_global_dnc_upload_adds_numbers_and_reports_the_rest(
    client: FlaskClient, campaign: Campaign
) -> None:
    status, page = _upload(client, "/campaigns/dnc/upload", CSV_ONE_BAD, "dnc.csv")
    assert status == 200 and "2 numbers added" in page and "No such number · 12345" in page
    assert {(n.number, n.campaign_id) for n in DoNotCallNumber.select()} == {
        ("+8613800138000", None),
        ("+8613900139000", None),
    }
    status, page = _upload(client, "/campaigns/dnc/upload", b"", "dnc.csv")
    assert status == 400 and 'id="e-file"' in page and "nothing was added" in page
    assert DoNotCallNumber.select().count() == 2
