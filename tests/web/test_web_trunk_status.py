"""Trunk registration state on the agent console's status panel and the admin status page."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import agent_client, agent_row, agent_user
from flask.testing import FlaskClient
from helpers_admin import log_in_as
from helpers_i18n import assert_translated
from helpers_web import StandInEngine

from appliance.store.models import Trunk, User

__all__ = ["agent_client", "agent_row", "agent_user"]  # fixtures
pytestmark = pytest.mark.usefixtures("admin_exists")


def registration(state: str, code: int, reason: str, expires: int) -> dict[str, Any]:
    """Return a `registration` as the engine's `trunks` command gives it."""
    return {"state": state, "code": code, "reason": reason, "expires": expires,
            "changed_at": 1_795_000_000.0}  # fmt: skip


def trunks_reply() -> dict[str, Any]:
    """Return the engine's answer: an IP peer, a registered trunk, a failing one."""
    rows = [("peer-a", "peer", None, 1),
            ("carrier", "register", registration("registered", 200, "OK", 300), 0),
            ("backup", "register", registration("failing", 403, "Forbidden", 0), 0)]  # fmt: skip
    return {"trunks": [{"name": name, "kind": kind, "host": "192.0.2.7", "port": 5060,
                        "max_channels": 0, "in": calls, "out": 0, "registration": reg}
                       for name, kind, reg, calls in rows]}  # fmt: skip


@pytest.fixture
def trunks(client: FlaskClient, engine: StandInEngine) -> None:
    """Store the three trunks and have the stand-in engine list them."""
    Trunk.create(name="peer-a", host="192.0.2.7")
    for name in ("carrier", "backup"):
        Trunk.create(name=name, kind="register", host="192.0.2.7", username="u", password="p")
    engine.commands["trunks"] = trunks_reply


@pytest.mark.usefixtures("trunks")
def test_the_agent_console_shows_each_trunks_registration(
    agent_client: tuple[FlaskClient, str],
) -> None:
    client, _ = agent_client
    page = client.get("/agent/status").get_data(as_text=True)
    assert "Registered (300 s)" in page and "Failing: 403 Forbidden" in page
    assert "IP peer" in page and "in 1, out 0" in page


@pytest.mark.usefixtures("trunks")
def test_the_admin_status_page_lists_trunks_with_state_and_since(client: FlaskClient) -> None:
    admin = log_in_as(client, "admin")
    page = admin.get("/admin/status").get_data(as_text=True)
    assert 'data-trunk="carrier"' in page and "Registered (300 s)" in page
    assert "Failing: 403 Forbidden" in page and "2026-" in page  # since (box time)


def test_without_the_engine_the_pages_say_so(client: FlaskClient, engine: StandInEngine) -> None:
    Trunk.create(name="carrier", kind="register", host="192.0.2.7", username="u", password="p")
    engine.server.stop()
    admin = log_in_as(client, "admin")
    assert "engine not running" in admin.get("/admin/status").get_data(as_text=True)
    panel = admin.get("/agent/status").get_data(as_text=True)
    assert 'data-trunk="carrier"' in panel and "Registered" not in panel


@pytest.mark.usefixtures("trunks")
def test_the_chinese_panel_translates_the_states(agent_client: tuple[FlaskClient, str]) -> None:
    User.update(language="zh_CN").where(User.username == "wang").execute()
    client, _ = agent_client
    page = client.get("/agent/status").get_data(as_text=True)
    assert "已注册 (300 秒)" in page and "注册失败: 403 Forbidden" in page
    assert_translated(page, allowed=["peer-a", "carrier", "backup", "Forbidden", "OK", "IP"])


def test_the_trunk_form_says_what_a_registration_does(client: FlaskClient) -> None:
    admin = log_in_as(client, "admin")
    page = admin.get("/admin/trunks/new").get_data(as_text=True)
    assert "the box registers to host:port with the user name and password" in page
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    assert "本机用用户名和密码向" in admin.get("/admin/trunks/new").get_data(as_text=True)
