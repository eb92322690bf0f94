"""The campaign pages: list, form, start/pause/stop with and without the engine, delete.

Against a real store and the stand-in engine (the real control protocol); without it
the moves fall back to the store rule the CLI uses.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import log_in_as
from helpers_dialer import CAMPAIGN_FORM, post, sales_queue
from helpers_web import StandInEngine, csrf_from

from appliance.dialer.const import CampaignStatus, Outcome
from appliance.dialer.retry import STANDARD
from appliance.engine.control import CommandError
from appliance.store import campaigns
from appliance.store.models import AuditEntry, Campaign, CampaignContact, DialAttempt

pytestmark = pytest.mark.usefixtures("admin_exists")


@pytest.fixture
def supervisor(client: FlaskClient) -> FlaskClient:
    """Return the client logged in as a supervisor, with queue sales."""
    sales_queue()
    return log_in_as(client, "supervisor")


def _create(client: FlaskClient, **changes: str) -> Campaign:
    """Create a campaign from the form; return it."""
    response = post(client, "/campaigns/new", {**CAMPAIGN_FORM, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return Campaign.get(Campaign.name == changes.get("name", CAMPAIGN_FORM["name"]))


def test_agents_may_not_see_campaigns(client: FlaskClient) -> None:
    log_in_as(client, "agent")
    assert client.get("/campaigns/").status_code == 403
    assert client.get("/campaigns/new").status_code == 403


def test_create_reads_every_setting_and_is_audited(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    assert (row.mode, row.queue, row.caller_id, row.drop_cap) == (
        "progressive",
        "sales",
        "+861065529988",
        0.03,
    )
    assert row.window == {
        "mon": ["09:00-12:00", "13:30-20:00"],
        "tue": ["09:00-20:00"],
        "wed": ["09:00-20:00"],
        "thu": ["09:00-20:00"],
        "fri": ["09:00-20:00"],
    }
    assert row.retry_policy["rules"] == {
        "busy": [600, 5],
        "no_answer": [3600, 4],
        "dropped": [300, 5],
    }
    assert campaigns.campaign_for(row).retry.next_attempt_at(Outcome.BUSY, 1, 0.0) == 600.0
    entry = AuditEntry.get(AuditEntry.area == "campaigns")
    assert (entry.object_key, entry.action, entry.after["queue"]) == ("回访", "create", "sales")
    page = supervisor.get("/campaigns/").get_data(as_text=True)
    assert "回访" in page and "0 / 0" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "required"),
        ({"queue": "", "agents": ""}, "queue", "queue or list agents"),
        ({"mode": "agentless"}, "flow", "IVR flow"),
        ({"agents": "1001 7777"}, "agents", "No such agent: 7777"),
        ({"window_mon": "9-12"}, "window_mon", "09:00-12:00"),
        ({"default_zone": "Mars/Base"}, "default_zone", "time zone"),
        ({"drop_cap": "80"}, "drop_cap", "50 percent"),
        ({"retry_busy_max": ""}, "retry_busy_max", "both"),
        ({"retry_busy_max": "99"}, "retry_busy_max", "At most 50"),
        ({"caller_id": "abc"}, "caller_id", "Digits"),
        ({"dispositions": "ok\nnot ok"}, "dispositions", "not ok"),
    ],
)
def test_a_bad_field_is_refused_on_its_field_keeping_what_was_typed(
    supervisor: FlaskClient, changes: dict[str, str], field: str, words: str
) -> None:
    response = post(supervisor, "/campaigns/new", {**CAMPAIGN_FORM, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="e-{field}"' in page and words in page
    assert "Hello, this is ACME calling" in page  # what was typed is kept
    assert Campaign.select().count() == 0


def test_a_taken_name_is_refused_and_edit_keeps_the_name(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    again = post(supervisor, "/campaigns/new", CAMPAIGN_FORM)
    assert again.status_code == 400 and "Another campaign has this name" in again.get_data(
        as_text=True
    )
    edited = post(
        supervisor,
        f"/campaigns/{row.id}/edit",
        {**CAMPAIGN_FORM, "mode": "preview", "dispositions": "sold\nno_sale"},
    )
    assert edited.status_code == 302
    row = Campaign.get_by_id(row.id)
    assert (row.mode, row.dispositions) == ("preview", ["sold", "no_sale"])
    form = supervisor.get(f"/campaigns/{row.id}/edit").get_data(as_text=True)
    assert "sold\nno_sale" in form and "update" in form  # its history


def test_start_pause_stop_without_engine_use_the_store_rule(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    started = post(supervisor, f"/campaigns/{row.id}/start", {}, follow_redirects=True)
    assert "The engine is not reachable" in started.get_data(as_text=True)
    assert Campaign.get_by_id(row.id).status == "running"
    again = post(supervisor, f"/campaigns/{row.id}/start", {})
    assert again.status_code == 409 and "cannot be made" in again.get_data(as_text=True)
    assert post(supervisor, f"/campaigns/{row.id}/pause", {}).status_code == 302
    assert Campaign.get_by_id(row.id).status == "paused"
    assert post(supervisor, f"/campaigns/{row.id}/stop", {}).status_code == 302
    assert Campaign.get_by_id(row.id).status == "stopped"
    assert post(supervisor, f"/campaigns/{row.id}/start", {}).status_code == 409
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.area == "campaigns")]
    assert actions == ["create", "running", "paused", "stopped"]


def test_start_goes_to_the_engine_when_it_runs(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    row = _create(supervisor)
    engine.commands["campaign.start"] = lambda campaign: {"campaign": campaign}
    assert post(supervisor, f"/campaigns/{row.id}/start", {}).status_code == 302
    assert ("campaign.start", {"campaign": row.id}) in engine.received
    assert Campaign.get_by_id(row.id).status == "draft"  # the engine sets it, not the page

    def refuse(campaign: int) -> None:
        raise CommandError("bad-campaign", "no trunk to dial out")

    engine.commands["campaign.start"] = refuse
    refused = post(supervisor, f"/campaigns/{row.id}/start", {})
    assert refused.status_code == 409 and "no trunk to dial out" in refused.get_data(as_text=True)


def test_an_engine_without_the_dialer_falls_back_to_the_store(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    row = _create(supervisor)  # the stand-in answers unknown-command to campaign.*
    page = post(supervisor, f"/campaigns/{row.id}/start", {}, follow_redirects=True)
    assert "does not run campaigns" in page.get_data(as_text=True)
    assert Campaign.get_by_id(row.id).status == "running"


def test_delete_is_refused_while_running(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    campaigns.set_status(row, CampaignStatus.RUNNING)
    refused = post(supervisor, f"/campaigns/{row.id}/delete", {})
    assert refused.status_code == 409 and "stop it first" in refused.get_data(as_text=True)
    campaigns.set_status(row, CampaignStatus.STOPPED)
    assert post(supervisor, f"/campaigns/{row.id}/delete", {}).status_code == 302
    assert Campaign.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "delete").count() == 1


def test_post_without_csrf_is_refused(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    assert supervisor.post(f"/campaigns/{row.id}/start").status_code == 403
    assert Campaign.get_by_id(row.id).status == "draft"


def test_detail_shows_progress_results_live_figures_and_exports(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    row = _create(supervisor)
    campaigns.import_contacts(
        row, b"number,name\n13800138000,Zhang\n13900139000,Li\n", "a.csv", "CN"
    )
    first, second = CampaignContact.select().order_by(CampaignContact.id)
    attempt = DialAttempt.create(campaign=row, contact=first, number=first.number, started_at=1.0)
    campaigns.attempt_ended(attempt, Outcome.CONNECTED, 2.0, STANDARD)
    DialAttempt.create(
        campaign=row,
        contact=second,
        number=second.number,
        started_at=1.0,
        ended_at=2.0,
        outcome="dropped",
    )
    campaigns.set_disposition(CampaignContact.get_by_id(first.id), "interested", "wants a quote")
    CampaignContact.update(next_attempt_at=1_800_000_000.0).where(
        CampaignContact.id == second.id
    ).execute()
    figures = {
        "id": row.id,
        "name": row.name,
        "status": "running",
        "mode": "progressive",
        "in_flight": 3,
        "ready_agents": 2,
        "answer_rate": 0.31,
        "aht_seconds": 95.0,
        "ratio": 1.5,
        "drop_rate": 0.02,
        "drop_rate_today": 0.01,
        "dialled_today": 40,
        "connected_today": 12,
        "capped": False,
        "in_window": True,
    }
    engine.commands["campaign.status"] = lambda campaign=None: {"campaigns": [figures]}
    page = supervisor.get(f"/campaigns/{row.id}").get_data(as_text=True)
    assert "1 / 2" in page  # contacts done
    assert 'data-figure="connected">1<' in page and 'data-figure="dropped">1<' in page
    assert 'data-figure="in_flight">3<' in page
    assert "Interested" in page and "Zhang" in page
    live = supervisor.get(f"/campaigns/{row.id}/live").get_json()
    assert live["engine"]["dialled_today"] == 40 and live["progress"]["attempts"] == 2
    assert ("campaign.status", {"campaign": row.id}) in engine.received
    exported = supervisor.get(f"/campaigns/{row.id}/export.csv")
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeffNumber,Name,Attempts")
    assert "+8613800138000,Zhang,1,connected,interested,wants a quote,,1" in text
    assert "+8613900139000,Li,0,,,,2027-01-15 08:00,0" in text  # the box's clock (UTC here)


def test_detail_without_engine_says_so(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    page = supervisor.get(f"/campaigns/{row.id}").get_data(as_text=True)
    assert "The engine is not reachable" in page
    assert supervisor.get(f"/campaigns/{row.id}/live").get_json()["engine"] is None
    assert supervisor.get("/campaigns/999").status_code == 404


GETS = [
    "/campaigns/",
    "/campaigns/new",
    "/campaigns/{id}",
    "/campaigns/{id}/edit",
    "/campaigns/{id}/live",
    "/campaigns/{id}/export.csv",
    "/campaigns/{id}/import",
    "/campaigns/{id}/dnc",
    "/campaigns/dnc",
]


@pytest.mark.parametrize("path", GETS)
def test_every_page_is_for_supervisors_and_admins_only(client: FlaskClient, path: str) -> None:
    row = campaigns.create_campaign(
        "回访", "progressive", queue="sales", window={"mon": ["09:00-20:00"]}
    )
    url = path.format(id=row.id)
    assert client.get(url).status_code == 302  # a visitor: to the login page
    log_in_as(client, "agent")
    assert client.get(url).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/agent").get_data(True))})
    log_in_as(client, "admin")
    assert client.get(url).status_code == 200


def test_unknown_objects_are_404(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    for path in (
        "/campaigns/999",
        "/campaigns/999/edit",
        f"/campaigns/{row.id}/lists/999",
        "/campaigns/999/dnc",
    ):
        assert supervisor.get(path).status_code == 404, path
    assert post(supervisor, "/campaigns/dnc/999/delete", {}).status_code == 404
    assert post(supervisor, "/campaigns/999/start", {}).status_code == 404


def test_answering_machine_detection_is_off_unless_ticked(supervisor: FlaskClient) -> None:
    row = _create(supervisor)
    assert row.amd is False
    form = supervisor.get(f"/campaigns/{row.id}/edit").get_data(as_text=True)
    assert '<input type="checkbox" name="amd" >' in form
    edited = post(supervisor, f"/campaigns/{row.id}/edit", {**CAMPAIGN_FORM, "amd": "on"})
    assert edited.status_code == 302
    assert Campaign.get_by_id(row.id).amd is True
    form = supervisor.get(f"/campaigns/{row.id}/edit").get_data(as_text=True)
    assert '<input type="checkbox" name="amd" checked>' in form
