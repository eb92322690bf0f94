"""POST /api/v1/calls/<id>/<operation>: what reaches the engine, and its refusals as HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers_web import StandInEngine, csrf_from

from appliance.engine.control import CommandError


def post(client: FlaskClient, token: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    return client.post(f"/api/v1{path}", json=body, headers=headers)


def test_a_transfer_reaches_the_engine_with_its_fields(
    client: FlaskClient, api_token: str, engine: StandInEngine
) -> None:
    engine.commands["call.transfer"] = lambda **args: {"done": args}
    body = {"target": "queue:sales", "attended": False, "ignored": 1}
    response = post(client, api_token, "/calls/c1/transfer", body)
    assert response.status_code == 200
    assert engine.received[-1] == (
        "call.transfer",
        {"call_id": "c1", "target": "queue:sales", "attended": False},
    )


@pytest.mark.parametrize(
    ("error_id", "status"),
    [("no-such-call", 404), ("bad-target", 400), ("agent-unavailable", 409), ("busy", 409)],
)
def test_engine_refusals_keep_their_id_and_message(
    client: FlaskClient, api_token: str, engine: StandInEngine, error_id: str, status: int
) -> None:
    def refuse(**_: Any) -> None:
        raise CommandError(error_id, "call c1 says no")

    engine.commands["call.monitor"] = refuse
    response = post(client, api_token, "/calls/c1/monitor", {"supervisor": "1004"})
    assert response.status_code == status
    assert response.json["error"] == {"id": error_id, "message": "call c1 says no"}


def test_unknown_operation_and_bad_body_are_400(
    client: FlaskClient, api_token: str, engine: StandInEngine
) -> None:
    assert post(client, api_token, "/calls/c1/teleport").status_code == 400
    response = client.post(
        "/api/v1/calls/c1/hold",
        data="[1]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert response.status_code == 400
    assert not [cmd for cmd, _ in engine.received if cmd == "call.hold"]


def test_without_the_engine_it_is_503(client: FlaskClient, api_token: str) -> None:
    response = post(client, api_token, "/agents/1001/state", {"state": "ready"})
    assert response.status_code == 503
    assert response.json["error"]["id"] == "engine-unavailable"


def test_without_a_token_it_is_401(client: FlaskClient, engine: StandInEngine) -> None:
    assert client.post("/api/v1/calls/c1/hold").status_code == 401
    assert engine.received == []


def test_the_live_page_needs_a_session_and_its_csrf_token(
    logged_in: FlaskClient, engine: StandInEngine
) -> None:
    engine.commands["call.hold"] = lambda **args: args
    headers = {"Accept": "application/json"}
    refused = logged_in.post("/live/calls/c1/hold", json={}, headers=headers)
    assert refused.status_code == 403 and refused.json["error"]["id"] == "forbidden"
    headers["X-CSRF-Token"] = csrf_from(logged_in.get("/live").get_data(as_text=True))
    done = logged_in.post("/live/calls/c1/hold", json={}, headers=headers)
    assert done.status_code == 200
    assert engine.received[-1] == ("call.hold", {"call_id": "c1"})


def test_the_company_intro_and_its_cancel_reach_the_engine(
    client: FlaskClient, api_token: str, engine: StandInEngine
) -> None:
    engine.commands["call.intro"] = lambda **args: {"seconds": 12.0, **args}
    engine.commands["call.intro_cancel"] = lambda **args: {"cancelled": True}
    response = post(client, api_token, "/calls/c1/intro", {"prompt": "company-intro", "x": 1})
    assert response.status_code == 200 and response.json["seconds"] == 12.0
    assert engine.received[-1] == ("call.intro", {"call_id": "c1", "prompt": "company-intro"})
    assert post(client, api_token, "/calls/c1/intro/cancel").status_code == 200
    assert engine.received[-1] == ("call.intro_cancel", {"call_id": "c1"})


@pytest.mark.parametrize(("error_id", "status"), [("no-prompt", 400), ("no-intro", 409)])
def test_intro_refusals_keep_their_id(
    client: FlaskClient, api_token: str, engine: StandInEngine, error_id: str, status: int
) -> None:
    def refuse(**_: Any) -> None:
        raise CommandError(error_id, "not that")

    engine.commands["call.intro"] = refuse
    response = post(client, api_token, "/calls/c1/intro", {"prompt": "missing"})
    assert (response.status_code, response.json["error"]["id"]) == (status, error_id)
