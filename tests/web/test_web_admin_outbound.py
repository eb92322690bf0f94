"""Admin: outbound routes and each extension's call restrictions, with bad input explained."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import AGENT_FORM, accept_reloads, log_in_as, post_form
from helpers_web import StandInEngine

from appliance.store.models import Agent, AuditEntry, BusinessHours, OutboundRoute, Trunk

ROUTE_FORM = {"name": "outside", "position": "1", "patterns": "9|0ZX.\n9|1[3-9]XXXXXXXXX",
              "prepend": "", "trunks": "carrier-a, carrier-b", "caller_id": "075586000000",
              "enabled": "on"}  # fmt: skip


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine) -> FlaskClient:
    """Return a client logged in as an admin, with two trunks and reloads accepted."""
    accept_reloads(engine)
    for name in ("carrier-a", "carrier-b"):
        Trunk.create(name=name, host="127.0.0.1", port=5070)
    return log_in_as(client, "admin")


def test_a_route_is_saved_with_its_patterns_and_trunks_in_order(admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/routes/new", ROUTE_FORM).status_code == 302
    route = OutboundRoute.get()
    assert route.patterns == ["9|0ZX.", "9|1[3-9]XXXXXXXXX"]
    assert route.trunks == ["carrier-a", "carrier-b"] and route.caller_id == "075586000000"
    assert AuditEntry.get(AuditEntry.area == "routes").after["trunks"] == route.trunks
    page = admin.get(f"/admin/routes/{route.id}").get_data(as_text=True)
    assert "9|0ZX.\n9|1[3-9]XXXXXXXXX" in page and 'value="carrier-a, carrier-b"' in page


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("patterns", "9|0Q.", "Dial pattern 9|0Q.: &#39;9|0Q.&#39;: &#39;Q&#39; at 2"),
        ("patterns", "  ", "A route needs at least one dial pattern."),
        ("trunks", "carrier-a, nowhere", "No trunk named nowhere."),
        ("trunks", "carrier-a carrier-a", "A trunk is listed twice."),
        ("trunks", "", "This field is required."),
        ("caller_id", "not-a-number", "A number to dial"),
        ("name", "x" * 65, "At most 64 characters."),
        ("position", "first", "a whole number"),
    ],
)
def test_bad_route_input_is_explained_and_kept(
    admin: FlaskClient, field: str, typed: str, error: str
) -> None:
    response = post_form(admin, "/admin/routes/new", {**ROUTE_FORM, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and error in page, page[-3000:]
    assert 'value="075586000000"' in page or field == "caller_id"  # what was typed is kept
    assert not OutboundRoute.select().exists()


def test_a_trunk_a_route_uses_is_neither_deleted_nor_renamed(admin: FlaskClient) -> None:
    post_form(admin, "/admin/routes/new", ROUTE_FORM)
    trunk = Trunk.get(Trunk.name == "carrier-b")
    response = post_form(admin, f"/admin/trunks/{trunk.id}/delete", {})
    assert response.status_code == 409 and "outbound route outside" in response.get_data(True)
    form = {"name": "renamed", "kind": "peer", "host": "127.0.0.1", "port": "5070",
            "username": "", "password": "", "max_channels": "0", "enabled": "on"}  # fmt: skip
    page = post_form(admin, f"/admin/trunks/{trunk.id}", form).get_data(as_text=True)
    assert "Renaming is refused while something uses the trunk: outbound route outside." in page
    assert Trunk.get_by_id(trunk.id).name == "carrier-b"


def test_an_extensions_call_restrictions_are_saved(admin: FlaskClient) -> None:
    BusinessHours.create(name="office", timezone="Asia/Shanghai", weekly={})
    form = {**AGENT_FORM, "call_class": "local", "call_hours": "office",
            "max_call_seconds": "600", "caller_id": "075586000201"}  # fmt: skip
    assert post_form(admin, "/admin/agents/new", form).status_code == 201  # shows the password
    agent = Agent.get(Agent.extension == "1001")
    assert (agent.call_class, agent.call_hours, agent.max_call_seconds, agent.caller_id) == (
        "local", "office", 600, "075586000201",
    )  # fmt: skip
    schedule = BusinessHours.get(BusinessHours.name == "office")
    response = post_form(admin, f"/admin/hours/{schedule.id}/delete", {})
    assert response.status_code == 409 and "calls out of extension 1001" in response.get_data(True)


def test_a_new_extension_may_not_call_abroad_until_allowed(admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/agents/new", AGENT_FORM).status_code == 201
    assert Agent.get(Agent.extension == "1001").call_class == "national"
    bad = {**AGENT_FORM, "extension": "1002", "call_class": "galactic", "max_call_seconds": "-1"}
    page = post_form(admin, "/admin/agents/new", bad).get_data(as_text=True)
    assert "Choose one of: internal, local, national, international." in page
    assert 'value="1002"' in page and not Agent.select().where(Agent.extension == "1002").exists()
