"""GET /healthz: its shape with the engine up and down, degraded vs 503."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import StandInEngine

from appliance import config
from web.context import STORE_KEY
from web.health import services

SERVICES = ["web", "engine", "kamailio", "scheduler", "watchdog", "store"]
# the condition checks, after the services
CONDITIONS = ["agents", "boards", "calls", "cpu", "disk", "memory", "outbound", "sipgw", "trunks"]


@pytest.fixture(autouse=True)
def no_sip_edge(settings: config.Settings) -> None:
    """Point the Kamailio check at a port nothing listens on (other tests may run one)."""
    settings.sip.port = 9  # discard: never a SIP server here


def _assert_shape(body: dict[str, Any]) -> None:
    """Check the documented shape."""
    assert set(body) == {"status", "services"}
    names = list(body["services"])
    assert names[:6] == SERVICES and names[6:] in ([], CONDITIONS)  # [] when checks are replaced
    for check in body["services"].values():
        assert set(check) == {"ok", "detail"}
        assert isinstance(check["ok"], bool)
        assert isinstance(check["detail"], str)


def test_engine_up(client: FlaskClient, engine: StandInEngine) -> None:
    """With the engine answering, its check passes (others are not running here)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    _assert_shape(response.json)
    checks = response.json["services"]
    assert checks["engine"]["ok"] is True
    assert checks["web"]["ok"] is True
    assert checks["store"]["ok"] is True


def test_engine_down_is_degraded_but_200(client: FlaskClient) -> None:
    """Without the engine the body says degraded; the status stays 200."""
    response = client.get("/healthz")
    assert response.status_code == 200
    _assert_shape(response.json)
    assert response.json["status"] == "degraded"
    assert response.json["services"]["engine"]["ok"] is False


def test_all_passing_is_ok(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """When every check passes, status is ok; the web never asks itself."""
    seen: dict[str, Any] = {}

    def all_pass(_settings: config.Settings, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """Pass every service but those skipped."""
        seen["skip"] = skip
        return {name: {"ok": True, "detail": "fine"} for name in SERVICES if name not in skip}

    monkeypatch.setattr(services, "check_all", all_pass)
    response = client.get("/healthz")
    assert response.json["status"] == "ok"
    assert seen["skip"] == ("web",)
    _assert_shape(response.json)


def test_broken_check_suite_still_answers(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the checks themselves blow up, /healthz still answers with the shape."""

    def broken(*_args: object, **_kwargs: object) -> None:
        """Fail like a bug."""
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "check_all", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    _assert_shape(response.json)
    assert response.json["status"] == "degraded"


def test_store_failure_is_503(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the store cannot answer the web, /healthz answers 503."""

    def broken(*_args: object, **_kwargs: object) -> None:
        """Fail like a broken database."""
        raise OSError("disk I/O error")

    monkeypatch.setattr(app.extensions[STORE_KEY], "execute_sql", broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    _assert_shape(response.json)
    assert response.json["services"]["store"] == {"ok": False, "detail": "OSError: disk I/O error"}
