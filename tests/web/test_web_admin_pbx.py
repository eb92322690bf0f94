"""Admin: extensions' forwarding (busy, no answer, loops refused on the field) and the blacklist."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import AGENT_FORM, accept_reloads, log_in_as, post_form
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, StandInEngine, login

from appliance.store.models import Agent, AuditEntry, BlockedNumber, RingGroup, SpeedDial, User
from web.auth.services import hash_password


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine) -> FlaskClient:
    """Return a client logged in as an admin, reloads accepted."""
    accept_reloads(engine)
    return log_in_as(client, "admin")


def agent_form(extension: str, **fields: str) -> dict[str, str]:
    """Return the agent form for extension with fields changed."""
    return {**AGENT_FORM, "extension": extension, "name": f"Agent {extension}", **fields}


def test_forward_on_busy_and_no_answer_are_saved(admin: FlaskClient) -> None:
    form = agent_form("1001", forward_busy="1002", forward_no_answer="13900139000",
                      forward_ring_seconds="15")  # fmt: skip
    assert post_form(admin, "/admin/agents/new", form).status_code == 201
    agent = Agent.get(Agent.extension == "1001")
    assert (agent.forward_busy, agent.forward_no_answer, agent.forward_ring_seconds) == (
        "1002", "13900139000", 15)  # fmt: skip
    assert post_form(admin, "/admin/agents/new", agent_form("1003")).status_code == 201
    assert Agent.get(Agent.extension == "1003").forward_ring_seconds == 20  # empty: the default


def test_a_forward_loop_is_refused_on_the_field_that_closes_it(admin: FlaskClient) -> None:
    post_form(admin, "/admin/agents/new", agent_form("1001", forward_to="1002"))
    post_form(admin, "/admin/agents/new", agent_form("1002", forward_busy="1003"))
    response = post_form(admin, "/admin/agents/new", agent_form("1003", forward_no_answer="1001"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Forward loop: 1003 → 1001 → 1002 → 1003. Calls would go round." in page
    assert 'value="1001"' in page  # what was typed is kept
    assert not Agent.select().where(Agent.extension == "1003").exists()


def test_editing_an_agent_into_a_loop_is_refused_and_out_of_one_accepted(
    admin: FlaskClient,
) -> None:
    post_form(admin, "/admin/agents/new", agent_form("1001"))
    post_form(admin, "/admin/agents/new", agent_form("1002", forward_no_answer="1001"))
    first = Agent.get(Agent.extension == "1001")
    bad = post_form(admin, f"/admin/agents/{first.id}", agent_form("1001", forward_busy="1002"))
    assert bad.status_code == 400 and "Forward loop: 1001 → 1002 → 1001." in bad.get_data(True)
    assert Agent.get_by_id(first.id).forward_busy == ""
    fine = post_form(admin, f"/admin/agents/{first.id}", agent_form("1001", forward_busy="1003"))
    assert fine.status_code == 302 and Agent.get_by_id(first.id).forward_busy == "1003"


def test_bad_ring_seconds_are_explained(admin: FlaskClient) -> None:
    page = post_form(admin, "/admin/agents/new", agent_form("1001", forward_ring_seconds="2"))
    assert page.status_code == 400 and "At least 5." in page.get_data(True)


def test_the_blacklist_takes_numbers_and_prefixes_with_a_note(admin: FlaskClient) -> None:
    form = {"number": "138-0013-8000", "note": "harassing calls"}
    assert post_form(admin, "/admin/blacklist/new", form).status_code == 302
    assert (
        post_form(admin, "/admin/blacklist/new", {"number": "0755*", "note": ""}).status_code == 302
    )
    assert [b.number for b in BlockedNumber.select().order_by(BlockedNumber.number)] == [
        "0755*", "13800138000"]  # fmt: skip
    audit = AuditEntry.select().where(AuditEntry.area == "blacklist").order_by(AuditEntry.id)
    assert audit[0].after["note"] == "harassing calls"
    listing = admin.get("/admin/blacklist/").get_data(as_text=True)
    assert "13800138000" in listing and "harassing calls" in listing


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("*", "A number, a prefix ending in * (e.g. 0755*), or anonymous."),
        ("13*8", "A number, a prefix ending in *"),
        ("", "This field is required."),
    ],
)
def test_bad_blacklist_entries_are_explained(admin: FlaskClient, typed: str, error: str) -> None:
    response = post_form(admin, "/admin/blacklist/new", {"number": typed, "note": "x"})
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert not BlockedNumber.select().exists()


def test_a_number_is_blacklisted_once(admin: FlaskClient) -> None:
    post_form(admin, "/admin/blacklist/new", {"number": "13800138000", "note": ""})
    again = post_form(admin, "/admin/blacklist/new", {"number": "13800138000", "note": ""})
    assert again.status_code == 400 and "13800138000 is on the list already." in again.get_data(
        True
    )


@pytest.mark.usefixtures("admin_exists")  # else pages lead to setup
@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_admins_manage_the_blacklist(client: FlaskClient, role: str) -> None:
    log_in_as(client, role)
    assert client.get("/admin/blacklist/").status_code == 403
    form = {"number": "13800138000", "note": ""}
    assert client.post("/admin/blacklist/new", data=form).status_code == 403
    assert not BlockedNumber.select().exists()


GROUP_FORM = {"number": "600", "name": "Front desk", "strategy": "in_order",
              "members": "1002, 1001", "ring_seconds": "15", "no_answer": ""}  # fmt: skip


def test_a_ring_group_is_saved_with_its_members_in_order(admin: FlaskClient) -> None:
    for extension in ("1001", "1002"):
        post_form(admin, "/admin/agents/new", agent_form(extension))
    assert post_form(admin, "/admin/groups/new", GROUP_FORM).status_code == 302
    group = RingGroup.get(RingGroup.number == "600")
    assert (group.members, group.strategy, group.ring_seconds) == (["1002", "1001"], "in_order", 15)
    page = admin.get(f"/admin/groups/{group.id}").get_data(as_text=True)
    assert 'value="1002 1001"' in page
    number = {"number": "88001", "trunk": "", "target_type": "group", "target": "600"}
    assert post_form(admin, "/admin/numbers/new", number).status_code == 302
    agent = Agent.get(Agent.extension == "1001")
    refused = post_form(admin, f"/admin/agents/{agent.id}/delete", {})
    assert refused.status_code == 409 and "ring group 600" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("members", "1001 4040", "No such extension: 4040."),
        ("members", "1001 1001", "An extension is listed twice."),
        ("number", "1001", "Extension 1001 is taken."),  # an extension's number
        ("number", "6a", "Digits only"),
        ("no_answer", "600", "Forward loop: 600 → 600."),
        ("ring_seconds", "1", "At least 5."),
    ],
)
def test_bad_ring_groups_are_explained(
    admin: FlaskClient, field: str, typed: str, error: str
) -> None:
    post_form(admin, "/admin/agents/new", agent_form("1001"))
    form = {**GROUP_FORM, "members": "1001", field: typed}
    response = post_form(admin, "/admin/groups/new", form)
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert not RingGroup.select().exists()


def test_a_loop_through_a_group_is_refused(admin: FlaskClient) -> None:
    post_form(admin, "/admin/agents/new", agent_form("1001", forward_no_answer="600"))
    form = {**GROUP_FORM, "members": "1001", "no_answer": "1001"}
    response = post_form(admin, "/admin/groups/new", form)
    assert "Forward loop: 600 → 1001 → 600." in response.get_data(as_text=True)


def test_an_unknown_ring_group_is_no_inbound_target(admin: FlaskClient) -> None:
    number = {"number": "88001", "trunk": "", "target_type": "group", "target": "699"}
    response = post_form(admin, "/admin/numbers/new", number)
    assert response.status_code == 400 and "No group named 699." in response.get_data(True)


def test_inbound_rules_are_checked_line_by_line_and_kept_as_typed(admin: FlaskClient) -> None:
    from appliance.store.models import BusinessHours, InboundNumber, Queue

    Queue.create(name="sales")
    BusinessHours.create(name="office", timezone="Asia/Shanghai", weekly={})
    rules = "from 0755* to queue sales\nfrom 12ab to queue sales\nclosed night to queue sales\n"
    rules += "from 1* to queue nobody"
    number = {"number": "88002", "trunk": "", "target_type": "queue", "target": "sales",
              "rules": rules}  # fmt: skip
    refused = post_form(admin, "/admin/numbers/new", number)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Line 2: the caller must be a number, a prefix ending in * or anonymous." in page
    assert "Line 3: no business hours named night." in page
    assert "Line 4: no queue named nobody." in page
    assert "from 12ab to queue sales" in page  # what was typed is kept
    good = "from 0755* to queue sales\nclosed office to queue sales"
    assert post_form(admin, "/admin/numbers/new", {**number, "rules": good}).status_code == 302
    assert InboundNumber.get(InboundNumber.number == "88002").rules == good
    listing = admin.get("/admin/numbers/").get_data(as_text=True)
    assert "88002" in listing


def test_call_waiting_is_off_by_default_and_saved_when_ticked(admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/agents/new", agent_form("1001")).status_code == 201
    assert Agent.get(Agent.extension == "1001").call_waiting is False
    form = agent_form("1002", call_waiting="on")
    assert post_form(admin, "/admin/agents/new", form).status_code == 201
    assert Agent.get(Agent.extension == "1002").call_waiting is True
    page = admin.get("/admin/agents/new").get_data(as_text=True)
    assert "Call waiting" in page and "off: busy." in page


def test_the_call_waiting_field_reads_in_chinese(
    client: FlaskClient, engine: StandInEngine
) -> None:
    accept_reloads(engine)
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    page = client.get("/admin/agents/new").get_data(as_text=True)
    assert "呼叫等待" in page and "关闭时对方听到忙音" in page
    assert "Call waiting" not in page


def test_a_speed_dial_is_saved_with_its_code_as_phones_dial_it(admin: FlaskClient) -> None:
    form = {"code": "05", "number": "13900139000", "name": "Supplier"}
    assert post_form(admin, "/admin/speed-dials/new", form).status_code == 302
    entry = SpeedDial.get()
    assert (entry.code, entry.number, entry.name) == ("5", "13900139000", "Supplier")
    again = post_form(admin, "/admin/speed-dials/new", {**form, "code": "5"})
    assert again.status_code == 400 and "Code 5 is taken already." in again.get_data(True)
    assert SpeedDial.select().count() == 1


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"code": "100", "number": "1002"}, "A code from 0 to 99."),
        ({"code": "x", "number": "1002"}, "A code from 0 to 99."),
        ({"code": "3", "number": "*05"}, "A speed dial cannot call another speed dial."),
        ({"code": "3", "number": "call me"}, "A number to dial: digits, * and #."),
    ],
)
def test_bad_speed_dials_are_explained(
    admin: FlaskClient, form: dict[str, str], error: str
) -> None:
    response = post_form(admin, "/admin/speed-dials/new", {"name": "", **form})
    assert response.status_code == 400 and error in response.get_data(as_text=True)
    assert SpeedDial.select().count() == 0


def test_the_speed_dial_page_reads_in_chinese(client: FlaskClient, engine: StandInEngine) -> None:
    accept_reloads(engine)
    User.create(username="owner", password_hash=hash_password(PASSWORD), role="admin",
                language="zh_CN")  # fmt: skip
    assert login(client, "owner", PASSWORD).status_code == 302
    page = client.get("/admin/speed-dials/new").get_data(as_text=True)
    assert "快捷拨号" in page and "例如 *05" in page
    listing = client.get("/admin/speed-dials/").get_data(as_text=True)
    assert_translated(listing, allowed=["owner", "IVR"])  # the user, a term read as it is
