"""The admin pages: who may see them, and every form's bad input explained with input kept."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers_admin import AGENT_FORM, QUEUE_FORM, accept_reloads, log_in_as, post_form
from helpers_web import StandInEngine

from appliance.store.models import (
    Agent,
    AuditEntry,
    InboundNumber,
    IvrFlow,
    Queue,
    ReasonCode,
    RegionGroup,
    RoutingRule,
    Trunk,
    User,
)

PAGES = ["/admin/", "/admin/agents/", "/admin/agents/new", "/admin/queues/", "/admin/queues/new",
         "/admin/trunks/", "/admin/trunks/new", "/admin/numbers/", "/admin/numbers/new",
         "/admin/hours/", "/admin/hours/new", "/admin/routes/", "/admin/routes/new",
         "/admin/reasons/", "/admin/reasons/new", "/admin/recording",
         "/admin/blacklist/", "/admin/blacklist/new", "/admin/groups/", "/admin/groups/new",
         "/admin/users/", "/admin/users/new",
         "/admin/audit", "/admin/status", "/admin/flows", "/admin/flows/main",
         "/admin/prompts"]  # fmt: skip
AUDIO = "/admin/prompts/en/welcome.wav"
POSTS = ["/admin/agents/new", "/admin/queues/new", "/admin/routes/new", "/admin/agents/1",
         "/admin/agents/1/delete",
         "/admin/flows", "/admin/flows/main", "/admin/flows/main/rollback",
         "/admin/prompts"]  # fmt: skip


@pytest.mark.usefixtures("admin_exists")  # else pages lead to setup
def test_a_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    for path in [*PAGES, *POSTS, AUDIO]:
        response = client.post(path) if path in POSTS else client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.usefixtures("admin_exists")  # else pages lead to setup
@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_are_refused(client: FlaskClient, role: str) -> None:
    log_in_as(client, role)
    for path in [*PAGES, AUDIO]:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path, data={"name": "x"}).status_code == 403, path
    assert not AuditEntry.select().exists() and not Queue.select().exists()


def test_an_admin_sees_every_page(client: FlaskClient) -> None:
    log_in_as(client, "admin")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])


@pytest.mark.usefixtures("admin_exists")  # else pages lead to setup
def test_the_admin_link_is_shown_to_admins_only(client: FlaskClient) -> None:
    log_in_as(client, "supervisor")
    assert 'href="/admin/"' not in client.get("/live").get_data(as_text=True)


@pytest.fixture
def admin(client: FlaskClient, engine: StandInEngine) -> FlaskClient:
    """Return a client logged in as an admin, with an engine accepting reloads."""
    accept_reloads(engine)
    return log_in_as(client, "admin")


def test_an_agent_is_created_with_a_generated_sip_password(admin: FlaskClient) -> None:
    Queue.create(name="sales")
    form = {**AGENT_FORM, "skills": "billing:3 english:1", "queues": "sales:2"}
    response = post_form(admin, "/admin/agents/new", form)
    page = response.get_data(as_text=True)
    agent = Agent.get(Agent.extension == "1001")
    assert response.status_code == 201 and "1001 saved." in page
    assert len(agent.sip_password) >= 12 and agent.sip_password in page
    assert agent.sip_password not in admin.get(f"/admin/agents/{agent.id}").get_data(as_text=True)
    assert [(m.queue.name, m.penalty) for m in agent.memberships] == [("sales", 2)]
    assert {s.skill: s.level for s in agent.skills} == {"billing": 3, "english": 1}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("extension", "", "This field is required."),
        ("name", "", "This field is required."),
        ("name", "x" * 65, "At most 64 characters."),
        ("extension", "10a1", "Digits only"),
        ("wrap_up_seconds", "soon", "Enter a whole number."),
        ("wrap_up_seconds", "-1", "At least 0."),
        ("sip_password", "short", "At least 8 characters."),
        ("skills", "billing:high", "is not skill:number"),
        ("queues", "nowhere:1", "No such queue: nowhere."),
    ],
)
def test_bad_agent_input_is_explained_and_kept(
    admin: FlaskClient, field: str, typed: str, message: str
) -> None:
    form = {**AGENT_FORM, "name": "Keep Me", field: typed}
    response = post_form(admin, "/admin/agents/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and 'id="e-' + field + '"' in page
    if field not in ("sip_password",) and typed:
        assert f'value="{typed}"' in page
    assert 'value="Keep Me"' in page or field == "name"
    assert not Agent.select().exists()


def test_a_duplicate_extension_is_refused_on_its_field(admin: FlaskClient) -> None:
    Agent.create(extension="1001", name="First", sip_password="secret-123")
    response = post_form(admin, "/admin/agents/new", {**AGENT_FORM, "name": "Second"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Extension 1001 is taken." in page
    assert 'value="Second"' in page and Agent.select().count() == 1


def test_a_queue_takes_every_option(admin: FlaskClient) -> None:
    Queue.create(name="backup")
    form = {**QUEUE_FORM, "strategy": "ring_all", "overflow": "queue:backup", "exit_key": "9",
            "exit_target": "callback", "skills": "billing:3", "skill_widen": "30:1 60:2",
            "join_when": "ready", "announce_seconds": "45"}  # fmt: skip
    response = post_form(admin, "/admin/queues/new", form)
    assert response.status_code == 302
    queue = Queue.get(Queue.name == "sales")
    assert (queue.strategy, queue.overflow, queue.exit_key, queue.exit_target) == (
        "ring_all", "queue:backup", "9", "callback",
    )  # fmt: skip
    assert queue.skills == {"billing": 3} and queue.skill_widen == [[30, 1], [60, 2]]
    assert queue.join_when == "ready" and queue.announce_seconds == 45 and queue.record


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("strategy", "fastest", "Choose one of:"),
        ("overflow", "somewhere", "must be &#39;queue:&lt;name&gt;&#39;"),
        ("overflow", "queue:ghost", "No such queue: ghost."),
        ("overflow", "queue:sales", "cannot send callers to itself"),
        ("exit_target", "external:call me", "is not a number to dial"),
        ("ring_seconds", "0", "At least 1."),
        ("max_callers", "many", "Enter a whole number."),
        ("join_when", "never", "Choose one of:"),
        ("name", "Sales Team", "Lowercase letters"),
        ("skill_widen", "soon:1", "is not seconds:levels"),
    ],
)
def test_bad_queue_input_is_explained_and_kept(
    admin: FlaskClient, field: str, typed: str, message: str
) -> None:
    response = post_form(admin, "/admin/queues/new", {**QUEUE_FORM, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page, page
    assert 'value="Sales"' in page
    assert not Queue.select().exists()


def test_an_exit_key_needs_a_target(admin: FlaskClient) -> None:
    response = post_form(admin, "/admin/queues/new", {**QUEUE_FORM, "exit_key": "0"})
    assert "An exit key needs somewhere to exit to." in response.get_data(as_text=True)


def test_a_queue_in_use_is_not_deleted_and_the_page_says_who_uses_it(admin: FlaskClient) -> None:
    sales = Queue.create(name="sales")
    Queue.create(name="night", overflow="queue:sales")
    InboundNumber.create(number="4008001000", target_type="queue", target="sales")
    graph = {"start": "q", "nodes": {"q": {"type": "queue", "queue": "sales"}}}
    IvrFlow.create(name="main", version=1, graph=graph, active=True)
    typed = {**QUEUE_FORM, "title": "Typed but not saved"}
    response = post_form(admin, f"/admin/queues/{sales.id}/delete", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "IVR flow main, node q" in page and "inbound number 4008001000" in page
    assert "queue night (overflow or exit)" in page
    assert 'value="Typed but not saved"' in page
    assert Queue.get_or_none(Queue.name == "sales") is not None


def test_a_queue_nobody_uses_is_deleted_with_an_audit_entry(admin: FlaskClient) -> None:
    sales = Queue.create(name="sales")
    response = post_form(admin, f"/admin/queues/{sales.id}/delete", {})
    assert response.status_code == 302 and not Queue.select().exists()
    entry = AuditEntry.get()
    assert (entry.area, entry.object_key, entry.action, entry.after) == (
        "queues", "sales", "delete", None,
    )  # fmt: skip
    assert entry.before["name"] == "sales" and entry.username == "admin1"


def test_a_form_without_its_csrf_token_is_refused_and_kept(admin: FlaskClient) -> None:
    response = admin.post("/admin/queues/new", data=QUEUE_FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The form expired" in page and 'value="Sales"' in page
    assert not Queue.select().exists()


def test_the_last_admin_is_neither_demoted_nor_deleted(admin: FlaskClient) -> None:
    me = User.get(User.username == "admin1")
    form = {"username": "admin1", "role": "agent", "language": "en", "password": ""}
    response = post_form(admin, f"/admin/users/{me.id}", form)
    assert response.status_code == 400
    assert "This is the last administrator." in response.get_data(as_text=True)
    response = post_form(admin, f"/admin/users/{me.id}/delete", {})
    assert response.status_code == 409 and "last administrator" in response.get_data(as_text=True)
    assert User.get(User.username == "admin1").role == "admin"


def test_a_user_is_created_with_a_hashed_password_and_the_audit_masks_it(
    admin: FlaskClient,
) -> None:
    form = {"username": "bob", "role": "supervisor", "language": "zh_CN"}
    form["password"] = "long enough pw"
    assert post_form(admin, "/admin/users/new", form).status_code == 302
    bob = User.get(User.username == "bob")
    assert bob.role == "supervisor" and "long enough pw" not in bob.password_hash
    entry = AuditEntry.get(AuditEntry.object_key == "bob")
    assert entry.after["password_hash"] == "********"
    missing = post_form(admin, "/admin/users/new", {**form, "username": "carol", "password": ""})
    assert "This field is required." in missing.get_data(as_text=True)
    taken = post_form(admin, "/admin/users/new", form)
    assert "User bob exists." in taken.get_data(as_text=True)


def test_trunks_and_numbers(admin: FlaskClient) -> None:
    trunk = {"name": "carrier", "kind": "register", "host": "sip.example.com", "port": "5060",
             "username": "", "password": "", "max_channels": "30", "enabled": "on"}  # fmt: skip
    page = post_form(admin, "/admin/trunks/new", trunk).get_data(as_text=True)
    assert "A registration needs a user name." in page
    assert "A registration needs a password." in page
    trunk.update(username="acct", password="carrier-secret")
    assert post_form(admin, "/admin/trunks/new", trunk).status_code == 302
    number = {"number": "4008001000", "trunk": "carrier", "target_type": "queue", "target": "sales"}
    page = post_form(admin, "/admin/numbers/new", number).get_data(as_text=True)
    assert "No queue named sales." in page
    Queue.create(name="sales")
    assert post_form(admin, "/admin/numbers/new", number).status_code == 302
    assert InboundNumber.get().trunk.name == "carrier"
    page = post_form(admin, "/admin/numbers/new", number).get_data(as_text=True)
    assert "Number 4008001000 is taken." in page
    entry = AuditEntry.get(AuditEntry.area == "trunks")
    assert entry.after["password"] == "********" and "carrier-secret" not in str(entry.after)


def test_a_board_line_is_a_trunk_named_board_slash_port(admin: FlaskClient) -> None:
    line = {"name": "gsm-out", "kind": "line", "host": "10.0.0.9", "port": "1",
            "username": "", "password": "", "max_channels": "1", "enabled": "on"}  # fmt: skip
    page = post_form(admin, "/admin/trunks/new", line).get_data(as_text=True)
    assert "A board line is named board/port." in page
    peer = {**line, "name": "carrier", "kind": "peer", "host": "gsm1/1"}
    assert "A host name or IP address." in post_form(admin, "/admin/trunks/new", peer).get_data(
        as_text=True
    )
    assert post_form(admin, "/admin/trunks/new", {**line, "host": "gsm1/1"}).status_code == 302
    assert (Trunk.get(Trunk.name == "gsm-out").kind, Trunk.get().host) == ("line", "gsm1/1")


def test_a_queue_another_queues_routing_names_is_not_deleted(admin: FlaskClient) -> None:
    sales = Queue.create(name="sales")
    vip = Queue.create(name="vip")
    RoutingRule.create(queue=vip, conditions=[], action={"target": "queue:sales"})
    RegionGroup.create(queue=vip, region="Guangdong", target="queue:sales")
    response = post_form(admin, f"/admin/queues/{sales.id}/delete", {})
    assert response.status_code == 409
    assert response.get_data(as_text=True).count("queue vip (routing)") == 1


def test_the_pages_and_their_errors_speak_chinese(admin: FlaskClient) -> None:
    User.update(language="zh_CN").where(User.username == "admin1").execute()
    assert "审计日志" in admin.get("/admin/").get_data(as_text=True)
    response = post_form(admin, "/admin/queues/new", {**QUEUE_FORM, "name": ""})
    assert "此项必填。" in response.get_data(as_text=True)


RULES = ('[{"conditions": [{"metric": "waiting", "queue": "sales", "op": ">", "value": 25}],'
         ' "action": {"target": "queue:backup"}, "note": "busy"}]')  # fmt: skip


def test_routing_rules_and_region_groups_are_part_of_the_queue(admin: FlaskClient) -> None:
    Queue.create(name="backup")
    form = {**QUEUE_FORM, "routing_rules": RULES, "regions": "Guangdong queue:backup\n北京 ivr:bj"}
    assert post_form(admin, "/admin/queues/new", form).status_code == 302
    sales = Queue.get(Queue.name == "sales")
    rule = RoutingRule.get(RoutingRule.queue == sales)
    assert (rule.position, rule.action, rule.note) == (1, {"target": "queue:backup"}, "busy")
    regions = {g.region: g.target for g in RegionGroup.select().where(RegionGroup.queue == sales)}
    assert regions == {"Guangdong": "queue:backup", "北京": "ivr:bj"}
    page = admin.get(f"/admin/queues/{sales.id}").get_data(as_text=True)
    assert "Guangdong queue:backup" in page and "queue:backup" in page
    assert AuditEntry.get().after["regions"] == regions


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("routing_rules", "[{", "The JSON is not valid"),
        ("routing_rules", '[{"conditions": [], "action": {"target": "voicemail"}}]', "must be"),
        (
            "routing_rules",
            '[{"conditions": [{"metric": "mood"}], "action": {"priority": 2}}]',
            "mood",
        ),
        ("routing_rules", '[{"conditions": [], "action": {"target": "queue:ghost"}}]', "ghost"),
        ("regions", "Guangdong", "write a region, then"),
    ],
)
def test_bad_routing_is_explained_and_kept(
    admin: FlaskClient, field: str, typed: str, message: str
) -> None:
    response = post_form(admin, "/admin/queues/new", {**QUEUE_FORM, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'id="e-{field}"' in page and message in page, page
    assert not Queue.select().exists()


def test_reason_codes(admin: FlaskClient) -> None:
    form = {"code": "coaching", "title": "Coaching", "title_zh": "辅导", "enabled": "on"}
    first = post_form(admin, "/admin/reasons/new", form)
    assert first.status_code == 302, first.get_data(as_text=True)
    code = ReasonCode.get(ReasonCode.code == "coaching")
    assert (code.title_zh, code.paid, code.enabled) == ("辅导", False, True)
    assert "Code coaching exists." in post_form(admin, "/admin/reasons/new", form).get_data(
        as_text=True
    )
    Agent.create(extension="1001", name="Li", sip_password="x" * 12, state="not_ready",
                 state_reason="coaching")  # fmt: skip
    response = post_form(admin, f"/admin/reasons/{code.id}/delete", {})
    assert response.status_code == 409 and "agent 1001" in response.get_data(as_text=True)


def test_changing_ones_own_password_keeps_one_logged_in(admin: FlaskClient) -> None:
    me = User.get(User.username == "admin1")
    form = {"username": "admin1", "role": "admin", "language": "en", "password": "a new password"}
    assert post_form(admin, f"/admin/users/{me.id}", form).status_code == 302
    assert admin.get("/admin/users/").status_code == 200
    assert User.get_by_id(me.id).password_hash != me.password_hash
