"""The agent console's campaign panel: preview, the popped record, the disposition form.

The engine's side is the stand-in engine on the real control protocol; without it a
disposition is written to the store as the engine would.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from agent_support import agent_client, agent_row, agent_user, log_in_as, make_user
from flask.testing import FlaskClient
from helpers_web import StandInEngine

from appliance.engine.control import CommandError
from appliance.store import campaigns
from appliance.store.models import Agent, Campaign, CampaignContact, DialAttempt, Queue, QueueMember

pytestmark = pytest.mark.usefixtures("admin_exists")
__all__ = ["agent_client", "agent_row", "agent_user"]  # fixtures


@pytest.fixture
def attempt(agent_row: Any) -> DialAttempt:
    """Return a dial of a running campaign of queue sales put through to agent 1001."""
    QueueMember.create(queue=Queue.create(name="sales"), agent=agent_row)
    row = campaigns.create_campaign(
        "回访",
        "progressive",
        queue="sales",
        status="running",
        window={"mon": ["09:00-20:00"]},
        script="Say hello first.",
    )
    campaigns.import_contacts(
        row, "手机,姓名,城市\n13800138000,张三,北京\n".encode(), "a.csv", "CN"
    )
    contact = CampaignContact.get()
    return DialAttempt.create(
        campaign=row, contact=contact, number=contact.number, agent="1001", started_at=time.time()
    )


def _later(hours: int) -> str:
    """Return a datetime-local text some hours from now on the box's clock (UTC in tests)."""
    return datetime.fromtimestamp(time.time() + hours * 3600, ZoneInfo("UTC")).strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_console_shows_the_campaigns_of_my_queues(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt
) -> None:
    client, _token = agent_client
    page = client.get("/agent").get_data(as_text=True)
    assert 'id="campaign-card"' in page and "回访 (Progressive)" in page
    assert "preview-next" not in page  # a progressive campaign pops records, none to fetch


def test_popped_record_shows_fields_script_and_the_disposition_choices(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt
) -> None:
    client, _token = agent_client
    url = (
        f"/agent/campaign/pop?campaign={attempt.campaign_id}&contact={attempt.contact_id}"
        f"&attempt={attempt.id}"
    )
    page = client.get(url).get_data(as_text=True)
    assert "张三" in page and "北京" in page and "Say hello first." in page
    assert f'name="attempt" value="{attempt.id}"' in page and "Not interested" in page
    Campaign.update(dispositions=["sold", "no_sale"]).execute()
    page = client.get(url).get_data(as_text=True)
    assert '<option value="sold"' in page and "Not interested" not in page
    assert (
        client.get(f"/agent/campaign/pop?campaign={attempt.campaign_id}&contact=999").status_code
        == 400
    )
    assert client.get("/agent/campaign/pop?campaign=x&contact=1").status_code == 400


def test_disposition_goes_to_the_engine(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt, engine: StandInEngine
) -> None:
    client, token = agent_client
    engine.commands["campaign.disposition"] = lambda **args: {"ok": True}
    form = {
        "csrf_token": token,
        "attempt": str(attempt.id),
        "disposition": "call_back",
        "note": "wants a quote",
        "callback_at": _later(2),
        "callback_to": "anyone",
    }
    reply = client.post(
        "/agent/campaign/disposition", data=form, headers={"X-Requested-With": "callbox"}
    )
    assert reply.status_code == 200 and reply.get_json()["note"] == "Saved."
    cmd, args = engine.received[-1]
    assert cmd == "campaign.disposition"
    assert (args["agent"], args["attempt"], args["disposition"], args["note"]) == (
        "1001",
        attempt.id,
        "call_back",
        "wants a quote",
    )
    assert args["callback_agent"] == "" and args["callback_at"] > time.time() + 3600
    assert CampaignContact.get().disposition == ""  # the engine keeps it, not the page


def test_disposition_without_engine_is_kept_in_the_store(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt
) -> None:
    client, token = agent_client
    form = {
        "csrf_token": token,
        "attempt": str(attempt.id),
        "disposition": "interested",
        "note": "call on Friday",
        "callback_at": _later(3),
        "callback_to": "me",
    }
    reply = client.post(
        "/agent/campaign/disposition", data=form, headers={"X-Requested-With": "callbox"}
    )
    assert reply.status_code == 200 and "written to the store" in reply.get_json()["note"]
    contact = CampaignContact.get()
    assert (contact.disposition, contact.notes, contact.done) == (
        "interested",
        "call on Friday",
        False,
    )
    callback = contact.callbacks.get()
    assert callback.agent == "1001" and callback.due_at > time.time() + 2 * 3600


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"disposition": "bogus"}, "disposition", "Choose a disposition"),
        ({"callback_at": "tomorrow"}, "callback_at", "Give a date and time"),
        ({"callback_at": "2020-01-01T10:00"}, "callback_at", "has passed"),
        ({"note": "x" * 2001}, "note", "At most 2000"),
        ({"callback_to": "boss"}, "callback_to", "Choose me or anyone"),
    ],
)
def test_a_bad_disposition_shows_the_form_again_keeping_the_note(
    agent_client: tuple[FlaskClient, str],
    attempt: DialAttempt,
    engine: StandInEngine,
    changes: dict[str, str],
    field: str,
    words: str,
) -> None:
    client, token = agent_client
    form = {
        "csrf_token": token,
        "attempt": str(attempt.id),
        "disposition": "interested",
        "note": "keep me",
        "callback_at": "",
        "callback_to": "me",
        **changes,
    }
    reply = client.post("/agent/campaign/disposition", data=form)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and words in page and 'id="disposition-form"' in page
    if field != "note":
        assert "keep me" in page
    assert not [c for c, _a in engine.received if c == "campaign.disposition"]


def test_another_agents_call_and_an_unknown_attempt_are_refused(
    client: FlaskClient, attempt: DialAttempt
) -> None:
    other = make_user("li", "agent", "1002")
    Agent.create(extension="1002", name="Li Lei", sip_password="y")
    token = log_in_as(client, other)
    form = {"csrf_token": token, "attempt": str(attempt.id), "disposition": "interested"}
    reply = client.post("/agent/campaign/disposition", data=form)
    assert reply.status_code == 400 and "This is not your call" in reply.get_data(as_text=True)
    reply = client.post(
        "/agent/campaign/disposition",
        data={**form, "attempt": "999"},
        headers={"Accept": "application/json"},
    )
    assert reply.status_code == 400 and reply.get_json()["error"]["id"] == "bad-request"
    assert CampaignContact.get().disposition == ""


def test_preview_next_dial_and_skip(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt, engine: StandInEngine
) -> None:
    client, token = agent_client
    contact = {
        "id": attempt.contact_id,
        "number": "+8613800138000",
        "name": "张三",
        "fields": {"城市": "北京"},
    }
    engine.commands["campaign.preview_next"] = lambda agent: {
        "contact": contact,
        "campaign": {"id": 1, "name": "回访", "script": "Say hello first."},
    }
    page = client.get("/agent/campaign/preview").get_data(as_text=True)
    assert "张三" in page and "Say hello first." in page and 'data-preview="dial"' in page
    engine.commands["campaign.preview_dial"] = lambda agent, contact: {}
    reply = client.post(
        f"/agent/campaign/preview/{attempt.contact_id}/dial", headers={"X-CSRF-Token": token}
    )
    assert reply.get_json()["note"] == "Dialling…"
    assert engine.received[-1] == (
        "campaign.preview_dial",
        {"agent": "1001", "contact": attempt.contact_id},
    )

    def refuse(agent: str, contact: int) -> None:
        raise CommandError("not-held", "this record is not yours")

    engine.commands["campaign.preview_skip"] = refuse
    reply = client.post(
        f"/agent/campaign/preview/{attempt.contact_id}/skip", headers={"X-CSRF-Token": token}
    )
    assert "this record is not yours" in reply.get_json()["note"]
    engine.commands["campaign.preview_next"] = lambda agent: {"contact": None}
    assert "No record is waiting" in client.get("/agent/campaign/preview").get_data(as_text=True)


def test_preview_without_engine_says_so(
    agent_client: tuple[FlaskClient, str], attempt: DialAttempt
) -> None:
    client, token = agent_client
    page = client.get("/agent/campaign/preview")
    assert page.status_code == 200 and "not reachable" in page.get_data(as_text=True)
    reply = client.post("/agent/campaign/preview/1/dial", headers={"X-CSRF-Token": token})
    assert "not reachable" in reply.get_json()["note"]
    assert client.post("/agent/campaign/preview/1/dial").status_code == 403  # no CSRF token
