"""The first-run wizard through the Flask test client: token, steps, bad input, resuming."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_web import PASSWORD, StandInEngine, csrf_from, login
from helpers_web_setup import (
    ADMIN_PASSWORD,
    AGENTS,
    IVR,
    QUEUE,
    TRUNK,
    enter_token,
    post_form,
    walk_to,
)

from appliance import config
from appliance.sipedge.render import database_path
from appliance.sipedge.subscribers import ha1
from appliance.store.models import (
    Agent,
    InboundNumber,
    IvrFlow,
    Queue,
    QueueMember,
    SetupState,
    Trunk,
    User,
)
from web.auth.services import hash_password
from web.setup.token import issue_token, normalize, token_hash

SELECTS = {"language", "kind", "strategy"}  # fields the user picks from a list


def test_without_an_admin_every_page_leads_to_the_token(client: FlaskClient) -> None:
    for path in ("/", "/live", "/login"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/setup"
    assert client.get("/setup").headers["Location"] == "/setup/token"
    assert client.get("/setup/admin").headers["Location"] == "/setup"
    assert client.get("/healthz").status_code in (200, 503)  # programs are not redirected
    assert client.get("/api/v1/calls").status_code == 401


def test_only_the_tokens_hash_is_stored(app: Flask) -> None:
    token = issue_token()
    assert token is not None and len(token) == 23
    stored = SetupState.get().token_hash
    assert stored == token_hash(token) and token not in stored
    assert token_hash(token.lower().replace("-", " ")) == stored  # typed loosely, still the one
    assert normalize("abcde fghjk") == "ABCDE-FGHJK"


def test_a_wrong_token_is_refused_and_kept(client: FlaskClient) -> None:
    issue_token()
    response = post_form(client, "/setup/token", {"token": "WRONG-TOKEN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not the current setup token" in page and 'value="WRONG-TOKEN"' in page
    assert client.get("/setup/admin").headers["Location"] == "/setup"


def test_an_older_token_stops_working_when_a_new_one_is_issued(client: FlaskClient) -> None:
    old = issue_token()
    issue_token()
    response = post_form(client, "/setup/token", {"token": old})
    assert response.status_code == 400


def test_a_form_without_csrf_token_is_refused(client: FlaskClient) -> None:
    token = issue_token()
    client.get("/setup/token")
    response = client.post("/setup/token", data={"token": token})
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)


def test_wrong_tokens_are_throttled_per_address(client: FlaskClient) -> None:
    token = issue_token()
    for _ in range(20):
        assert post_form(client, "/setup/token", {"token": "NOPE"}).status_code == 400
    response = post_form(client, "/setup/token", {"token": token})  # even the right one waits
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many wrong tokens" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"username": "", "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD}, "username",
         "This field is required."),
        ({"username": "x" * 65, "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD},
         "username", "At most 64 characters."),
        ({"username": "bad name", "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD},
         "username", "letters, digits"),
        ({"username": "boss", "password": "short", "confirm": "short"}, "password",
         "at least 12 characters"),
        ({"username": "boss", "password": "p" * 129, "confirm": "p" * 129}, "password",
         "At most 128 characters."),
        ({"username": "boss", "password": ADMIN_PASSWORD, "confirm": "other"}, "confirm",
         "The two passwords differ."),
    ],
)  # fmt: skip
def test_the_admin_form_explains_and_keeps_the_username(
    client: FlaskClient, form: dict[str, str], field: str, message: str
) -> None:
    enter_token(client)
    response = post_form(client, "/setup/admin", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="e-{field}"' in page and message in page
    assert f'value="{form["username"]}"' in page
    assert ADMIN_PASSWORD not in page  # passwords are never sent back
    assert not User.select().exists()


def test_the_admin_is_created_logged_in_and_the_token_used_up(
    app: Flask, client: FlaskClient
) -> None:
    token = issue_token()
    assert token is not None
    post_form(client, "/setup/token", {"token": token})
    form = {"username": "boss", "password": ADMIN_PASSWORD, "confirm": ADMIN_PASSWORD}
    response = post_form(client, "/setup/admin", form)
    assert response.headers["Location"] == "/setup/locale"
    boss = User.get(User.username == "boss")
    assert boss.role == "admin" and boss.password_hash.startswith("$argon2id$")
    assert SetupState.get().token_hash == ""
    assert client.get("/setup/locale").status_code == 200  # logged in as the admin
    other = app.test_client()
    assert other.get("/setup/token").headers["Location"] == "/setup"
    assert other.get("/setup").headers["Location"].startswith("/login")
    assert issue_token() is None


def test_leaving_halfway_and_coming_back_resumes(app: Flask, client: FlaskClient) -> None:
    walk_to(client, "agents")
    again = app.test_client()
    assert login(again, "boss", ADMIN_PASSWORD).status_code == 302
    assert again.get("/").headers["Location"] == "/setup"
    assert again.get("/setup").headers["Location"] == "/setup/agents"
    trunk_page = again.get("/setup/trunk").get_data(as_text=True)  # earlier steps show answers
    assert 'value="sip.carrier.example"' in trunk_page and "trunk-secret" not in trunk_page
    assert again.get("/setup/queue").headers["Location"] == "/setup"  # not reached yet


@pytest.mark.parametrize(
    ("step", "form", "field", "message"),
    [
        ("locale", {"language": "", "timezone": "Asia/Shanghai"}, "language", "required"),
        ("locale", {"language": "fr", "timezone": "Asia/Shanghai"}, "language", "languages listed"),
        ("locale", {"language": "en", "timezone": "Mars/Olympus"}, "timezone", "Not a known"),
        ("trunk", {**TRUNK, "port": "fifty"}, "port", "whole number from 1 to 65535"),
        ("trunk", {**TRUNK, "port": "70000"}, "port", "whole number from 1 to 65535"),
        ("trunk", {**TRUNK, "host": ""}, "host", "required"),
        ("trunk", {**TRUNK, "host": "h" * 254}, "host", "At most 253"),
        ("trunk", {**TRUNK, "name": "Bad Name"}, "name", "lowercase"),
        ("trunk", {**TRUNK, "password": ""}, "password", "needs the carrier"),
        ("trunk", {**TRUNK, "kind": "fax"}, "kind", "registration or IP peer"),
        ("agents", {**AGENTS, "first": ""}, "first", "required"),
        ("agents", {**AGENTS, "first": "abc"}, "first", "2 to 8 digits"),
        ("agents", {**AGENTS, "first": "123456789"}, "first", "At most 8"),
        ("agents", {**AGENTS, "last": "1000"}, "last", "comes before the first"),
        ("agents", {**AGENTS, "last": "1999"}, "last", "At most 200 agents"),
        ("agents", {**AGENTS, "names": "a\nb\nc\nd"}, "names", "More names than extensions"),
        ("agents", {**AGENTS, "names": "n" * 65}, "names", "at most 64"),
    ],
)  # fmt: skip
def test_every_step_explains_bad_input_and_keeps_it(
    client: FlaskClient, step: str, form: dict[str, str], field: str, message: str
) -> None:
    walk_to(client, step)
    response = post_form(client, f"/setup/{step}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "what you typed is kept" in page and message in page
    for name, value in form.items():
        if name in ("password", "names") or not value or (name == field and name in SELECTS):
            continue  # passwords are not sent back; a choice not offered cannot stay selected
        assert f'value="{value}"' in page or f'<option value="{value}" selected' in page
    if form.get("names"):
        assert form["names"] in page


def test_a_duplicate_extension_is_explained_and_nothing_is_added(client: FlaskClient) -> None:
    walk_to(client, "agents")
    Agent.create(extension="1002", name="Existing", sip_password="x")
    response = post_form(client, "/setup/agents", AGENTS)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "These extensions exist already: 1002." in page
    assert 'value="1001"' in page and 'value="1003"' in page
    assert Agent.select().count() == 1


def test_agents_get_generated_passwords_shown_once(client: FlaskClient) -> None:
    walk_to(client, "agents")
    response = post_form(client, "/setup/agents", AGENTS)
    assert response.headers["Location"] == "/setup/agents/credentials"
    agents = list(Agent.select().order_by(Agent.extension))
    assert [(a.extension, a.name) for a in agents] == [
        ("1001", "Alice Chen"), ("1002", "Bob Li"), ("1003", "Agent 1003")]  # fmt: skip
    assert len({a.sip_password for a in agents}) == 3
    assert all(len(a.sip_password) == 16 for a in agents)
    assert not set("".join(a.sip_password for a in agents)) & set("0O1lI")  # no look-alikes
    page = client.get("/setup/agents/credentials")
    assert page.headers["Cache-Control"] == "no-store"
    assert all(a.sip_password in page.get_data(as_text=True) for a in agents)
    assert client.get("/setup/agents/credentials").headers["Location"] == "/setup/agents"


def test_the_queue_step_makes_the_queue_and_its_members(client: FlaskClient) -> None:
    walk_to(client, "queue")
    bad = post_form(client, "/setup/queue", {**QUEUE, "members": [], "strategy": "psychic"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Choose at least one agent." in page
    assert "Choose one of the strategies listed." in page
    response = post_form(client, "/setup/queue", {**QUEUE, "members": ["1001", "1003"]})
    assert response.headers["Location"] == "/setup/ivr"
    queue = Queue.get(Queue.name == "support")
    members = QueueMember.select().where(QueueMember.queue == queue)
    assert sorted(m.agent.extension for m in members) == ["1001", "1003"]
    again = post_form(client, "/setup/queue", {**QUEUE, "title": "Help"})  # done again: updated
    assert again.status_code == 302 and Queue.select().count() == 1
    assert Queue.get().title == "Help" and QueueMember.select().count() == 3


def test_the_trunk_step_updates_its_trunk_when_done_again(client: FlaskClient) -> None:
    walk_to(client, "agents")
    Trunk.create(name="taken", host="x")
    again = post_form(client, "/setup/trunk", {**TRUNK, "name": "taken"})
    assert again.status_code == 400 and "exists already" in again.get_data(as_text=True)
    response = post_form(client, "/setup/trunk", {**TRUNK, "password": "", "port": "5080"})
    assert response.status_code == 302
    trunk = Trunk.get(Trunk.name == "carrier")
    assert trunk.port == 5080 and trunk.password == "trunk-secret"  # empty keeps the stored one


def test_the_ivr_is_stored_when_the_engine_is_down(client: FlaskClient) -> None:
    walk_to(client, "ivr")
    response = post_form(client, "/setup/ivr", IVR)
    assert response.headers["Location"] == "/setup/checklist"
    flow = IvrFlow.get(IvrFlow.name == "main")
    assert flow.active and flow.graph["nodes"]["sales"] == {"type": "queue", "queue": "support"}
    number = InboundNumber.get(InboundNumber.number == "4008001234")
    assert (number.target_type, number.target, number.trunk.name) == ("ivr", "main", "carrier")
    page = client.get("/setup/checklist").get_data(as_text=True)
    assert "goes live when the engine starts" in page and "4008001234" in page
    assert "no writable conf.d folder: put language: en and timezone: Asia/Shanghai" in page


def test_the_ivr_is_published_through_a_running_engine(
    client: FlaskClient, engine: StandInEngine
) -> None:
    engine.commands["reload"] = lambda: {"numbers": 1}
    engine.commands["flow.publish"] = lambda name, graph: {"name": name, "version": 1}
    walk_to(client, "ivr")
    post_form(client, "/setup/ivr", IVR)
    published = [args for cmd, args in engine.received if cmd == "flow.publish"]
    assert published and published[0]["name"] == "main"
    assert published[0]["graph"]["nodes"]["menu"]["choices"] == {"1": "sales", "2": "support"}
    assert not IvrFlow.select().exists()  # the engine stores what it publishes
    assert "the engine published it" in client.get("/setup/checklist").get_data(as_text=True)


def test_the_engines_refusal_of_the_ivr_is_shown(
    client: FlaskClient, engine: StandInEngine
) -> None:
    from appliance.engine.control import CommandError

    def refuse(name: str, graph: object) -> None:
        raise CommandError("invalid-flow", "flow 'main' not published: no prompt 'welcome'")

    engine.commands["reload"] = lambda: {}
    engine.commands["flow.publish"] = refuse
    walk_to(client, "ivr")
    response = post_form(client, "/setup/ivr", IVR)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "no prompt &#39;welcome&#39;" in page
    assert 'value="4008001234"' in page
    assert not InboundNumber.select().exists()  # no number left leading to a refused flow


def test_an_ivr_number_routed_elsewhere_is_refused(client: FlaskClient) -> None:
    walk_to(client, "ivr")
    InboundNumber.create(number="4008001234", target_type="queue", target="support")
    response = post_form(client, "/setup/ivr", {**IVR, "sales": "nosuch"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose one of the queues listed." in page
    response = post_form(client, "/setup/ivr", IVR)
    assert "This number already goes elsewhere." in response.get_data(as_text=True)


def test_the_checklist_shows_registrations_from_the_engine(
    client: FlaskClient, engine: StandInEngine
) -> None:
    walk_to(client, "ivr")
    engine.commands["reload"] = lambda: {}
    engine.commands["flow.publish"] = lambda name, graph: {"name": name, "version": 1}
    post_form(client, "/setup/ivr", IVR)
    engine.agents = [{"extension": "1001", "registered": True, "contact": "sip:1001@10.0.0.5"}]
    status = client.get("/setup/checklist/status").json
    assert status["engine"] is True
    assert status["agents"]["1001"] == {"registered": True, "contact": "sip:1001@10.0.0.5"}
    assert status["agents"]["1002"]["registered"] is False
    page = client.get("/setup/checklist").get_data(as_text=True)
    assert 'data-extension="1001"' in page and "reg online" in page


def test_the_checklist_reads_the_sip_edge_when_the_engine_is_down(client: FlaskClient) -> None:
    walk_to(client, "ivr")
    post_form(client, "/setup/ivr", IVR)
    status = client.get("/setup/checklist/status").json
    assert status["engine"] is False
    assert set(status["agents"]) == {"1001", "1002", "1003"}


def test_finishing_leads_to_the_live_page(client: FlaskClient) -> None:
    walk_to(client, "ivr")
    post_form(client, "/setup/ivr", IVR)
    token = csrf_from(client.get("/setup/checklist").get_data(as_text=True))
    response = client.post("/setup/finish", data={"csrf_token": token})
    assert response.headers["Location"] == "/live"
    assert client.get("/").headers["Location"] == "/live"
    assert SetupState.get().completed_at is not None


WIZARD_PAGES = [
    "/setup/locale",
    "/setup/trunk",
    "/setup/agents",
    "/setup/queue",
    "/setup/ivr",
    "/setup/checklist",
    "/setup/checklist/status",
    "/setup/agents/credentials",
]


@pytest.mark.parametrize("path", WIZARD_PAGES)
def test_wizard_pages_are_for_admins_only(app: Flask, path: str) -> None:
    walk_to(app.test_client(), "ivr")
    visitor = app.test_client()
    assert visitor.get(path).headers["Location"].startswith("/login")
    for role in ("agent", "supervisor"):
        User.create(username=role, password_hash=hash_password(PASSWORD), role=role)
        person = app.test_client()
        login(person, role, PASSWORD)
        assert person.get(path).status_code == 403
    admin = app.test_client()
    login(admin, "boss", ADMIN_PASSWORD)
    assert admin.get(path).status_code in (200, 302)


@pytest.mark.parametrize("path", ["/setup/locale", "/setup/trunk", "/setup/finish"])
def test_wizard_posts_need_the_csrf_token(client: FlaskClient, path: str) -> None:
    walk_to(client, "checklist" if path.endswith("finish") else "trunk")
    response = client.post(path, data={"language": "en", "timezone": "UTC"})
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)


def test_new_agents_can_register_their_phones_at_once(
    client: FlaskClient, settings: config.Settings
) -> None:
    """The wizard writes the agents' digest hashes into Kamailio's own table."""
    walk_to(client, "agents")
    post_form(client, "/setup/agents", AGENTS)
    agent = Agent.get(Agent.extension == "1001")
    with closing(sqlite3.connect(database_path(settings))) as kamailio:
        rows = dict(kamailio.execute("SELECT username, ha1 FROM subscriber").fetchall())
    assert set(rows) == {"1001", "1002", "1003"}
    assert rows["1001"] == ha1("1001", settings.sip.domain, agent.sip_password)


def test_the_locale_step_writes_conf_d_when_there_is_one(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "etc" / "conf.d").mkdir(parents=True)
    monkeypatch.setenv("CALLBOX_CONFIG", str(tmp_path / "etc" / "callbox.yml"))
    walk_to(client, "locale")
    response = post_form(
        client, "/setup/locale", {"language": "zh_CN", "timezone": "Asia/Shanghai"}
    )
    assert response.headers["Location"] == "/setup/trunk"
    loaded = config.load(env={"CALLBOX_CONFIG": str(tmp_path / "etc" / "callbox.yml")})
    assert (loaded.language, loaded.timezone) == ("zh_CN", "Asia/Shanghai")
    assert User.get(User.username == "boss").language == "zh_CN"
    assert "设置本机" in client.get("/setup/trunk").get_data(as_text=True)  # now in Chinese
    for name, form in (("trunk", TRUNK), ("agents", AGENTS), ("queue", QUEUE), ("ivr", IVR)):
        post_form(client, f"/setup/{name}", form)
    assert "50-setup.yml" in client.get("/setup/checklist").get_data(as_text=True)


def test_the_wizard_speaks_the_browsers_language(client: FlaskClient) -> None:
    issue_token()
    page = client.get("/setup/token", headers={"Accept-Language": "zh-CN"})
    assert "设置令牌" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_may_resume_or_finish_the_wizard(app: Flask, role: str) -> None:
    walk_to(app.test_client(), "ivr")
    User.create(username=role, password_hash=hash_password(PASSWORD), role=role)
    person = app.test_client()
    login(person, role, PASSWORD)
    refused = person.get("/setup")
    assert refused.status_code == 403
    token = csrf_from(refused.get_data(as_text=True))  # the page's log-out form has it
    assert person.post("/setup/finish", data={"csrf_token": token}).status_code == 403
    assert person.get("/setup/token").headers["Location"] == "/setup"
    assert SetupState.get().completed_at is None
