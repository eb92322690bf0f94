"""The agent console: who may use it, state, click-to-dial, call controls, screen pop."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import agent_client, agent_row, agent_user, customer, log_in_as, make_user
from flask.testing import FlaskClient
from helpers_web import StandInEngine

from appliance.engine.control import CommandError
from appliance.store.models import Agent, Customer, Queue, QueueMember, User

__all__ = ["agent_client", "agent_row", "agent_user", "customer"]  # fixtures
pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


JSON = {"Accept": "application/json"}


def api(token: str) -> dict[str, str]:
    """Return the headers the console's script sends."""
    return {"X-CSRF-Token": token, **JSON}


@pytest.mark.parametrize("role", ["agent", "supervisor", "admin"])
def test_every_console_role_sees_the_console(
    client: FlaskClient, agent_row: Agent, engine: StandInEngine, role: str
) -> None:
    engine.agents = [{"extension": "1001", "name": "Wang Fang", "registered": True,
                      "state": "ready"}]  # fmt: skip
    log_in_as(client, make_user(role, role, "1001"))
    page = client.get("/agent").get_data(as_text=True)
    assert "Wang Fang (1001)" in page
    assert 'data-dial="1001"' in page  # the extensions panel: every number can be dialled


def test_other_roles_get_403_and_visitors_the_login_page(
    client: FlaskClient, agent_row: Agent
) -> None:
    assert "/login" in client.get("/agent").headers["Location"]
    log_in_as(client, make_user("guest", "viewer"))
    for path in ("/agent", "/agent/history", "/agent/contacts", "/agent/messages"):
        assert client.get(path).status_code == 403, path


def test_a_user_without_extension_is_told_to_ask_an_admin(client: FlaskClient) -> None:
    token = log_in_as(client, make_user("nobody", "agent"))
    assert "not linked to an agent extension" in client.get("/agent").get_data(as_text=True)
    reply = client.post("/agent/dial", json={"number": "1002"},
                        headers=api(token))  # fmt: skip
    assert reply.status_code == 400
    assert "not linked" in reply.get_json()["error"]["message"]


def test_posts_without_the_csrf_token_are_refused(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, _ = agent_client
    assert client.post("/agent/dial", json={"number": "1002"}, headers=JSON).status_code == 403
    assert engine.received == []


def test_state_buttons_reach_the_engine_with_the_reason(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    engine.commands["agent.state"] = lambda **args: args
    form = {"state": "not_ready", "reason": "lunch", "csrf_token": token}
    assert client.post("/agent/state", data=form).status_code == 302
    assert engine.received[-1] == (
        "agent.state", {"extension": "1001", "state": "not_ready", "reason": "lunch"}
    )  # fmt: skip
    reply = client.post("/agent/state", json={"state": "dnd"}, headers=api(token))
    assert reply.status_code == 400  # the console offers ready, not ready and log out only


def test_queue_login_ticks_reach_the_engine_and_show_on_the_console(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    agent = Agent.get(Agent.extension == "1001")
    for name in ("sales", "support"):
        QueueMember.create(queue=Queue.create(name=name), agent=agent, logged_in=name == "sales")
    page = client.get("/agent").get_data(as_text=True)
    assert 'value="sales" checked' in page and 'value="support" >' in page
    engine.commands["agent.queues"] = lambda **args: args
    form = {"queue": ["support"], "csrf_token": token}
    assert client.post("/agent/queues", data=form).status_code == 302
    assert engine.received[-1] == ("agent.queues", {"extension": "1001", "logged_in": ["support"]})
    assert client.post("/agent/queues", data={"csrf_token": token}).status_code == 302
    assert engine.received[-1][1]["logged_in"] == []  # nothing ticked: out of every queue
    bad = client.post("/agent/queues", json={"queues": "support"}, headers=api(token))
    assert bad.status_code == 400


def test_the_engines_refusal_of_a_state_is_shown_as_it_worded_it(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client

    def refuse(**_: Any) -> None:
        raise CommandError("bad-reason", "reason must be one of: break, lunch")

    engine.commands["agent.state"] = refuse
    reply = client.post("/agent/state", json={"state": "not_ready", "reason": "nap"},
                        headers=api(token))  # fmt: skip
    assert reply.status_code == 400
    assert reply.get_json()["error"]["message"] == "reason must be one of: break, lunch"


def test_click_to_dial_rings_my_own_extension(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    engine.commands["agent.dial"] = lambda **args: {"call_id": "d1", **args}
    reply = client.post("/agent/dial", json={"number": " 13900139000 "},
                        headers=api(token))  # fmt: skip
    assert reply.status_code == 200
    assert engine.received[-1] == ("agent.dial", {"extension": "1001", "number": "13900139000"})
    empty = client.post("/agent/dial", json={"number": ""}, headers=api(token))
    assert empty.status_code == 400


def test_click_to_dial_without_engine_is_503(agent_client: tuple[FlaskClient, str]) -> None:
    client, token = agent_client
    reply = client.post("/agent/dial", json={"number": "1002"}, headers=api(token))
    assert reply.status_code == 503


def test_an_agent_controls_only_their_own_calls(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    engine.calls = [
        {"call_id": "mine", "state": "talking", "agent": "1001"},
        {"call_id": "theirs", "state": "talking", "agent": "1002"},
    ]
    engine.commands["call.hold"] = lambda **args: {"held": True, **args}
    engine.commands["call.hangup"] = lambda **args: {"ended": True, **args}
    headers = api(token)
    assert client.post("/agent/calls/mine/hold", headers=headers).status_code == 200
    assert client.post("/agent/calls/mine/hangup", headers=headers).status_code == 200
    assert engine.received[-1] == ("call.hangup", {"call_id": "mine"})
    assert client.post("/agent/calls/theirs/hold", headers=headers).status_code == 403
    assert client.post("/agent/calls/mine/explode", headers=headers).status_code == 400


def test_transfer_carries_target_and_attended(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    engine.calls = [{"call_id": "mine", "state": "talking", "agent": "1001"}]
    engine.commands["call.transfer"] = lambda **args: args
    body = {"target": "1002", "attended": True}
    reply = client.post("/agent/calls/mine/transfer", json=body, headers=api(token))
    assert reply.status_code == 200
    assert engine.received[-1] == (
        "call.transfer", {"call_id": "mine", "target": "1002", "attended": True}
    )  # fmt: skip


def test_a_supervisor_may_control_any_call(
    client: FlaskClient, agent_row: Agent, engine: StandInEngine
) -> None:
    token = log_in_as(client, make_user("boss", "supervisor"))
    engine.commands["call.hold"] = lambda **args: args
    assert client.post("/agent/calls/any/hold", headers=api(token)).status_code == 200


def test_the_screen_pop_shows_customer_history_and_ivr_path(
    agent_client: tuple[FlaskClient, str], customer: Customer
) -> None:
    client, _ = agent_client
    page = client.get("/agent/pop/live1").get_data(as_text=True)
    assert "ACME Trading" in page and "ACME Ltd" in page and "1 Harbour Road" in page
    assert "VIP 2" in page and "Wang Fang" in page
    assert 'data-dial="13900139000"' in page and 'data-dial="010 6552 9988"' in page
    assert "/recordings/old1" in page  # the earlier call, written in E.164, with its recording
    assert "Heard main-menu" in page and "Pressed 2" in page
    assert "asked about invoice 7" in page  # a colleague's note, before a transfer


def test_the_screen_pop_finds_the_customer_an_ivr_lookup_named(
    agent_client: tuple[FlaskClient, str], customer: Customer
) -> None:
    from appliance.store.models import CallEvent

    client, _ = agent_client
    CallEvent.create(call_id="acct", at=1, kind="call.started", data={"from": "anonymous"})
    CallEvent.create(call_id="acct", at=2, kind="queue.joined",
                     data={"queue": "support", "customer": "+8613900139000"})  # fmt: skip
    assert "ACME Trading" in client.get("/agent/pop/acct").get_data(as_text=True)


def test_an_unknown_caller_gets_a_new_customer_form_with_their_number(
    agent_client: tuple[FlaskClient, str],
) -> None:
    from appliance.store.models import CallEvent

    client, _ = agent_client
    CallEvent.create(call_id="new", at=1, kind="call.started", data={"from": "13700000001"})
    page = client.get("/agent/pop/new").get_data(as_text=True)
    assert "Unknown caller" in page and 'value="13700000001"' in page


def test_a_new_customer_is_saved_and_errors_keep_the_input(
    agent_client: tuple[FlaskClient, str], customer: Customer
) -> None:
    client, token = agent_client
    bad = {"csrf_token": token, "number": "+86 139 0013 9000", "name": "Typed Name",
           "vip": "12", "owner": "9999", "address": "Kept Street"}  # fmt: skip
    reply = client.post("/agent/customers", data=bad)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "Another customer has this number" not in page  # field errors first
    assert "Enter a tier from 0 to 9" in page and "No agent has this extension" in page
    assert 'value="Typed Name"' in page and "Kept Street" in page
    bad.update(vip="1", owner="1001")
    taken = client.post("/agent/customers", data=bad)
    assert taken.status_code == 400 and "Another customer has this number" in taken.get_data(
        as_text=True
    )
    good = {**bad, "number": "13700000001", "company": "New Co"}
    assert client.post("/agent/customers", data=good).status_code == 302
    saved = Customer.get(Customer.number == "13700000001")
    assert (saved.name, saved.company, saved.vip, saved.owner.extension) == (
        "Typed Name", "New Co", 1, "1001"
    )  # fmt: skip


def test_a_customer_is_changed_in_place_as_a_fragment(
    agent_client: tuple[FlaskClient, str], customer: Customer
) -> None:
    client, token = agent_client
    form = {"csrf_token": token, "number": customer.number, "name": "ACME Holdings",
            "vip": "3", "other_numbers": "13800000002, 010 1234 5678"}  # fmt: skip
    headers = {"X-Requested-With": "callbox"}
    reply = client.post(f"/agent/customers/{customer.id}", data=form, headers=headers)
    assert reply.status_code == 200
    assert "<html" not in reply.get_data(as_text=True)  # a fragment for the screen pop
    changed = Customer.get_by_id(customer.id)
    assert (changed.name, changed.vip) == ("ACME Holdings", 3)
    assert changed.other_numbers == "13800000002, 010 1234 5678"
    page = client.get(f"/agent/customers/{customer.id}").get_data(as_text=True)
    assert 'value="ACME Holdings"' in page
    assert client.get("/agent/customers/999").status_code == 404


def test_the_dial_filter_escapes_what_it_shows(agent_client: tuple[FlaskClient, str]) -> None:
    from flask import render_template_string

    client, _ = agent_client
    with client.application.test_request_context():
        html = render_template_string("{{ n|dial }}", n='1"><script>')
    assert "<script>" not in html and "&#34;" in html


def test_user_extension_defaults_empty(app: Any) -> None:
    assert make_user("plain").extension == ""
    assert User.get(User.username == "plain").extension == ""


@pytest.mark.parametrize(
    ("operation", "command"),
    [("recording/start", "call.record.start"), ("recording/pause", "call.record.pause"),
     ("recording/resume", "call.record.resume"), ("recording/stop", "call.record.stop")],
)  # fmt: skip
def test_recording_buttons_reach_the_engine(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine, operation: str, command: str
) -> None:
    client, token = agent_client
    engine.calls = [{"call_id": "mine", "state": "talking", "agent": "1001"}]
    engine.commands[command] = lambda **args: args
    assert client.post(f"/agent/calls/mine/{operation}", headers=api(token)).status_code == 200
    assert engine.received[-1] == (command, {"call_id": "mine"})


def test_a_body_that_is_not_an_object_is_400(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    client, token = agent_client
    for path in ("/agent/dial", "/agent/state"):
        reply = client.post(path, json=["1002"], headers=api(token))
        assert reply.status_code == 400, path
        assert reply.get_json()["error"]["message"] == "The body must be a JSON object."
    assert engine.received == []


def test_a_click_to_dial_call_pops_the_customer_dialled(
    agent_client: tuple[FlaskClient, str], customer: Customer
) -> None:
    from appliance.store.models import CallEvent

    client, _ = agent_client
    data = {"from": "1001", "to": "010-6552-9988", "direction": "outbound"}
    CallEvent.create(call_id="out", at=1, kind="call.started", data=data)
    assert "ACME Trading" in client.get("/agent/pop/out").get_data(as_text=True)


def test_the_status_panel_comes_alone_for_refreshing(
    agent_client: tuple[FlaskClient, str], engine: StandInEngine
) -> None:
    from appliance.store.models import Trunk

    client, _ = agent_client
    Trunk.create(name="carrier", host="192.0.2.7")
    engine.agents = [{"extension": "1002", "name": "Li Na", "registered": False,
                      "state": "not_ready"}]  # fmt: skip
    Trunk.create(name="backup", host="192.0.2.8", max_channels=30)
    engine.commands["trunks"] = lambda: {"trunks": [
        {"name": "carrier", "host": "192.0.2.7", "port": 5060, "max_channels": 0, "in": 2,
         "out": 1},
        {"name": "backup", "host": "192.0.2.8", "port": 5060, "max_channels": 30, "in": 0,
         "out": 0}]}  # fmt: skip
    page = client.get("/agent/status").get_data(as_text=True)
    assert "carrier" in page and "192.0.2.7:5060" in page
    assert "in 2, out 1<" in page and "in 0, out 0 / 30" in page  # the trunks' use (外線狀態)
    assert 'data-dial="1002"' in page and "Not registered" in page and "Not ready" in page
    assert "<html" not in page
