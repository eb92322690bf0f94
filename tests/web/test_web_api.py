"""GET /api/v1/calls: bearer tokens, CDR fields, order and paging."""

from __future__ import annotations

from flask.testing import FlaskClient

from appliance.store.models import ApiToken, Cdr

FIELDS = {
    "id",
    "started_at",
    "ended_at",
    "from",
    "to",
    "direction",
    "queue",
    "agent",
    "wait_seconds",
    "talk_seconds",
    "outcome",
    "recording",
}
BASE = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def _cdr(n: int, **fields: object) -> Cdr:
    """Create the CDR of call n, which started n minutes after BASE."""
    values: dict[str, object] = {
        "call_id": f"call-{n}",
        "started_at": BASE + 60 * n,
        "ended_at": BASE + 60 * n + 42.25,
        "from_number": "+8613800000000",
        "to_number": "4001",
        "outcome": "answered",
        **fields,
    }
    return Cdr.create(**values)


def _get(client: FlaskClient, token: str, query: str = "") -> tuple[int, dict]:
    """Return the status and JSON of GET /api/v1/calls with token."""
    response = client.get(f"/api/v1/calls{query}", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json


def test_without_a_token_it_is_401(client: FlaskClient, api_token: str) -> None:
    """No token, a wrong token or another scheme: 401 JSON."""
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {api_token}"}):
        response = client.get("/api/v1/calls", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["id"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_lists_cdrs_newest_first_with_exactly_the_fields(
    client: FlaskClient, api_token: str
) -> None:
    """Every CDR has exactly the documented fields, times in ISO 8601 UTC with Z."""
    _cdr(1, queue="sales", agent="1001", wait_seconds=3.5, talk_seconds=38.75)
    _cdr(2, recording="2023/11/call-2.wav", direction="outbound")
    _cdr(3, outcome="abandoned")
    status, body = _get(client, api_token)
    assert status == 200
    calls = body["calls"]
    assert [c["id"] for c in calls] == ["call-3", "call-2", "call-1"]
    assert all(set(c) == FIELDS for c in calls)
    first = calls[2]
    assert first["started_at"] == "2023-11-14T22:14:20.000Z"
    assert first["ended_at"] == "2023-11-14T22:15:02.250Z"
    assert (first["from"], first["to"], first["direction"]) == ("+8613800000000", "4001", "inbound")
    assert (first["queue"], first["agent"]) == ("sales", "1001")
    assert (first["wait_seconds"], first["talk_seconds"], first["outcome"]) == (
        3.5,
        38.75,
        "answered",
    )
    assert first["recording"] is None
    assert calls[1]["recording"] == "http://localhost/recordings/call-2"
    assert body["next"] is None


def test_limit_and_before_page_through(client: FlaskClient, api_token: str) -> None:
    """`limit` caps a page, `next` is the cursor, `before` takes a call id or a time."""
    for n in range(1, 6):
        _cdr(n)
    status, page = _get(client, api_token, "?limit=2")
    assert status == 200
    assert [c["id"] for c in page["calls"]] == ["call-5", "call-4"]
    assert page["next"] == "call-4"
    _, page = _get(client, api_token, f"?limit=2&before={page['next']}")
    assert [c["id"] for c in page["calls"]] == ["call-3", "call-2"]
    _, page = _get(client, api_token, "?before=2023-11-14T22:16:20Z")  # call-3's start
    assert [c["id"] for c in page["calls"]] == ["call-2", "call-1"]
    _, page = _get(client, api_token, "?before=2023-11-14T22:16:21")  # naive means UTC
    assert [c["id"] for c in page["calls"]] == ["call-3", "call-2", "call-1"]


def test_default_limit_is_50(client: FlaskClient, api_token: str) -> None:
    """Without `limit` a page holds 50 CDRs."""
    Cdr.insert_many(
        [
            {
                "call_id": f"c{n}",
                "started_at": BASE + n,
                "ended_at": BASE + n,
                "outcome": "answered",
            }
            for n in range(60)
        ]
    ).execute()
    _, page = _get(client, api_token)
    assert len(page["calls"]) == 50
    assert page["next"] == "c10"


def test_bad_parameters_are_400(client: FlaskClient, api_token: str) -> None:
    """A bad `limit` or `before` answers 400 bad-request with a message."""
    for query in ("?limit=0", "?limit=501", "?limit=ten", "?before=", "?before=no-such-call"):
        status, body = _get(client, api_token, query)
        assert status == 400, query
        assert body["error"]["id"] == "bad-request"
        assert body["error"]["message"]
    assert _get(client, api_token, "?limit=500")[0] == 200


def test_token_use_is_noted(client: FlaskClient, api_token: str) -> None:
    """A token's last use is recorded."""
    _get(client, api_token)
    assert ApiToken.get().last_used_at is not None
