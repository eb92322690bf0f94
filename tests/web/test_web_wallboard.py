"""The wallboard: who sees it, what it counts, its stream, and the supervisor's actions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_web import PASSWORD, SseReader, StandInEngine, csrf_from, login

from appliance.engine.control import CommandError
from appliance.store.models import Agent, Broadcast, CallEvent, Cdr, Queue, User
from web.auth.services import hash_password
from web.wallboard.schemas import MAX_BROADCAST

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one

AGENTS = [
    {"extension": "1001", "name": "Wang Fang", "registered": True, "state": "on_call",
     "queues": ["support"], "reason": ""},
    {"extension": "1002", "name": "Li Lei", "registered": True, "state": "not_ready",
     "queues": ["support"], "reason": "lunch"},
    {"extension": "1003", "name": "Zhao Min", "registered": False, "state": "ready",
     "queues": ["support"], "reason": ""},
]  # fmt: skip
HTMX = {"HX-Request": "true"}


def as_role(client: FlaskClient, role: str) -> FlaskClient:
    """Log client in as a new user with role."""
    User.create(username=role, password_hash=hash_password(PASSWORD), role=role)
    assert login(client, role, PASSWORD).status_code == 302
    return client


@pytest.fixture
def supervisor(client: FlaskClient) -> FlaskClient:
    """Return the client logged in as a supervisor."""
    return as_role(client, "supervisor")


@pytest.fixture
def busy_engine(engine: StandInEngine) -> StandInEngine:
    """Return the stand-in engine with a caller waiting in support and a call in progress."""
    now = time.time()
    engine.agents = AGENTS
    engine.calls = [
        {"call_id": "w1", "from": "13800138000", "to": "100", "state": "queued",
         "queue": "support", "agent": None, "started_at": now - 40},
        {"call_id": "t1", "from": "13900139000", "to": "100", "state": "talking",
         "queue": "support", "agent": "1001", "started_at": now - 90},
    ]  # fmt: skip
    engine.commands["queues"] = lambda: {
        "queues": [{"name": "support", "waiting": ["w1"], "members": ["1001", "1002", "1003"]}]
    }
    Queue.create(name="support", title="Support", service_level_seconds=20)
    CallEvent.create(call_id="w1", at=now - 30, kind="queue.joined", data={"queue": "support"})
    CallEvent.create(call_id="", at=now - 300, kind="agent.state", leg="1002", data={})
    for wait, outcome in ((5, "answered"), (30, "answered"), (60, "abandoned"), (2, "abandoned")):
        Cdr.create(call_id=f"c{wait}", started_at=now - 60, ended_at=now, queue="support",
                   wait_seconds=wait, outcome=outcome)  # fmt: skip
    Cdr.create(call_id="old", started_at=now - 3 * 86400, ended_at=now, queue="support",
               wait_seconds=1, outcome="answered")  # fmt: skip
    return engine


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("supervisor", 200), ("agent", 403)])
@pytest.mark.parametrize("path", ["/wallboard", "/wallboard/events"])
def test_only_admins_and_supervisors_see_the_wallboard(
    client: FlaskClient, role: str, status: int, path: str
) -> None:
    assert as_role(client, role).get(path).status_code == status


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/wallboard"),
        ("GET", "/wallboard/events"),
        ("POST", "/wallboard/broadcasts"),
        ("POST", "/wallboard/agents/1001/state"),
    ],
)
def test_a_visitor_is_sent_to_log_in(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_wallboard_counts_queues_and_agents(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert '<dd class="wb-waiting">1</dd>' in page
    assert '<dd class="wb-answered">2</dd>' in page  # today's only
    assert '<dd class="wb-abandoned">2</dd>' in page
    assert "33%" in page  # 1 within 20 s / (2 answered + 1 abandoned after 5 s)
    assert 'data-state="talking">Talking <b>1</b>' in page
    assert 'data-state="not_ready">Not ready <b>1</b>' in page
    assert 'data-state="logged_out">Logged out <b>1</b>' in page  # phone not registered
    assert 'tr data-call-id="t1"' in page and 'tr data-call-id="w1"' not in page
    assert '<small class="reason">Lunch</small>' in page  # the reason code's title
    longest = float(page.split('class="wb-longest"><span class="elapsed" data-since="')[1][:12])
    assert abs(longest - (time.time() - 30)) < 5  # from queue.joined, not the call's start


def test_a_waiting_entry_without_a_call_counts_too(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    waiting = ["w1", "cb-7"]  # a callback holding its place has no live call
    busy_engine.commands["queues"] = lambda: {"queues": [{"name": "support", "waiting": waiting}]}
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert '<dd class="wb-waiting">2</dd>' in page


def test_a_queue_without_calls_shows_no_service_level(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    engine.commands["queues"] = lambda: {"queues": [{"name": "sales", "waiting": []}]}
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert '<dd class="wb-waiting">0</dd>' in page
    assert '<dd class="wb-sl">–' in page


def test_big_screen_mode_has_no_navigation(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    normal = supervisor.get("/wallboard").get_data(as_text=True)
    big = supervisor.get("/wallboard?big=1").get_data(as_text=True)
    assert 'class="topbar"' in normal and 'class="topbar"' not in big
    assert '<body class="wallboard big">' in big
    assert 'id="broadcast-form"' in normal and 'id="broadcast-form"' not in big
    assert 'id="wb-queues"' in big and 'id="chart-calls"' in big


def test_the_wallboard_says_when_the_engine_is_not_running(supervisor: FlaskClient) -> None:
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert 'id="engine-status" class="banner" role="status" >' in page


def test_missing_front_end_files_are_said_plainly(
    supervisor: FlaskClient, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "static_folder", str(tmp_path))  # no vendor/ there
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert 'id="vendor-missing"' in page and "make web-assets" in page
    assert "vendor/chart.umd.js" not in page


def test_the_stream_sends_the_board_and_broadcasts(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    response = supervisor.get("/wallboard/events", buffered=False)
    reader = SseReader(response.response)
    snapshot = reader.until(lambda e: e["event"] == "snapshot")["data"]
    assert snapshot["queues"][0]["waiting"] == 1
    assert snapshot["charts"]["answered"] == [2]
    assert 'class="wb-waiting">1<' in snapshot["html"]["queues"]
    busy_engine.wait_for_subscribers()
    busy_engine.commands["queues"] = lambda: {"queues": [{"name": "support", "waiting": []}]}
    busy_engine.publish({"event": "broadcast", "call_id": "", "at": 5.0, "leg": "",
                         "data": {"id": 3, "text": "Hi", "from": "sue"}})  # fmt: skip
    event = reader.until(lambda e: e["event"] == "broadcast")
    assert event["data"] == {"id": 3, "text": "Hi", "from": "sue", "at": 5.0}
    fresh = reader.until(lambda e: e["event"] == "snapshot")["data"]
    assert fresh["queues"][0]["waiting"] == 0
    response.close()


def _form(client: FlaskClient, **fields: str) -> dict[str, str]:
    """Return fields with the page's CSRF token."""
    return {"csrf_token": csrf_from(client.get("/wallboard").get_data(as_text=True)), **fields}


def test_a_supervisor_sets_an_agents_state(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    busy_engine.commands["agent.state"] = lambda **args: args
    form = _form(supervisor, state="not_ready", reason="meeting")
    response = supervisor.post("/wallboard/agents/1002/state", data=form, headers=HTMX)
    assert response.status_code == 200
    assert "Agent 1002 is now: Not ready." in response.get_data(as_text=True)
    assert busy_engine.received[-1] == (
        "agent.state",
        {"extension": "1002", "state": "not_ready", "reason": "meeting"},
    )
    plain = supervisor.post("/wallboard/agents/1002/state", data={**form, "state": "ready"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/wallboard")
    assert busy_engine.received[-1][1] == {"extension": "1002", "state": "ready", "reason": ""}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"state": ""}, "Choose a state"),
        ({"state": "on_call"}, "Choose a state"),
        ({"state": "not_ready", "reason": "x" * 65}, "The reason is too long"),
    ],
)
def test_a_bad_state_change_is_refused_before_the_engine(
    supervisor: FlaskClient, busy_engine: StandInEngine, fields: dict[str, str], message: str
) -> None:
    before = len(busy_engine.received)
    response = supervisor.post(
        "/wallboard/agents/1002/state", data=_form(supervisor, **fields), headers=HTMX
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not [cmd for cmd, _ in busy_engine.received[before:] if cmd == "agent.state"]


def test_the_engines_refusal_is_shown_as_it_says_it(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    def refuse(**_: Any) -> None:
        raise CommandError("no-such-agent", "no agent with extension '9'")

    busy_engine.commands["agent.state"] = refuse
    form = _form(supervisor, state="ready")
    response = supervisor.post("/wallboard/agents/9/state", data=form, headers=HTMX)
    assert response.status_code == 404
    assert "no agent with extension &#39;9&#39;" in response.get_data(as_text=True)


def test_a_form_without_its_token_is_refused(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    response = supervisor.post("/wallboard/broadcasts", data={"text": "hi"}, headers=HTMX)
    assert response.status_code == 403
    assert Broadcast.select().count() == 0


def test_agents_may_not_act(client: FlaskClient, busy_engine: StandInEngine) -> None:
    as_role(client, "agent")
    token = csrf_from(client.get("/live").get_data(as_text=True))  # the log-out form
    for path in ("/wallboard/broadcasts", "/wallboard/agents/1002/state"):
        form = {"csrf_token": token, "text": "hi", "state": "ready"}
        assert client.post(path, data=form).status_code == 403
    assert Broadcast.select().count() == 0


def test_a_broadcast_is_kept_and_relayed(
    supervisor: FlaskClient, busy_engine: StandInEngine
) -> None:
    busy_engine.commands["broadcast"] = lambda **args: args
    form = _form(supervisor, text="  Team meeting\n at 3  ")
    response = supervisor.post("/wallboard/broadcasts", data=form, headers=HTMX)
    assert response.status_code == 200 and "Sent to all agents." in response.get_data(as_text=True)
    row = Broadcast.get()
    assert (row.text, row.sender) == ("Team meeting at 3", "supervisor")
    assert busy_engine.received[-1] == (
        "broadcast",
        {"text": "Team meeting at 3", "sender": "supervisor", "broadcast_id": row.id},
    )
    assert "Team meeting at 3" in supervisor.get("/wallboard").get_data(as_text=True)


def test_a_broadcast_is_kept_when_the_engine_is_down(supervisor: FlaskClient) -> None:
    response = supervisor.post("/wallboard/broadcasts", data=_form(supervisor, text="hi"))
    assert response.status_code == 303
    assert [b.text for b in Broadcast.select()] == ["hi"]
    htmx = supervisor.post(
        "/wallboard/broadcasts", data=_form(supervisor, text="again"), headers=HTMX
    )
    assert "engine is not running" in htmx.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a message"),
        ("   \n ", "Write a message"),
        ("x" * (MAX_BROADCAST + 1), "too long"),
    ],
)
def test_a_bad_broadcast_is_refused(supervisor: FlaskClient, text: str, message: str) -> None:
    response = supervisor.post(
        "/wallboard/broadcasts", data=_form(supervisor, text=text), headers=HTMX
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    plain = supervisor.post("/wallboard/broadcasts", data=_form(supervisor, text=text))
    assert plain.status_code == 400 and message in plain.get_data(as_text=True)
    assert Broadcast.select().count() == 0


def test_the_state_form_lists_the_agents(supervisor: FlaskClient) -> None:
    Agent.create(extension="1001", name="Wang Fang", sip_password="x")
    page = supervisor.get("/wallboard").get_data(as_text=True)
    assert '<option value="1001">1001 Wang Fang</option>' in page


DATA = ["Wang Fang", "Li Lei", "Zhao Min", "Support", "support", "supervisor", "sue"]


def test_the_chinese_wallboard_has_no_english_left(
    client: FlaskClient, busy_engine: StandInEngine
) -> None:
    User.create(
        username="sue", password_hash=hash_password(PASSWORD), role="supervisor", language="zh_CN"
    )
    login(client, "sue", PASSWORD)
    Broadcast.create(text="下午三点开会", sender="sue", created_at=time.time())
    page = client.get("/wallboard").get_data(as_text=True)
    assert "监控大屏" in page and "等待中" in page
    assert '<small class="reason">午餐</small>' in page  # the reason code's Chinese title
    assert_translated(page, allowed=DATA)
    assert_translated(client.get("/wallboard?big=1").get_data(as_text=True), allowed=DATA)
    assert_translated(client.get("/live").get_data(as_text=True), allowed=DATA)


def test_the_live_page_shows_the_latest_broadcasts(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    Broadcast.create(text="Lunch at noon", sender="sue", created_at=time.time() - 60)
    Broadcast.create(text="Queue is long, all hands", sender="sue", created_at=time.time())
    page = supervisor.get("/live").get_data(as_text=True)
    assert page.index("Queue is long, all hands") < page.index("Lunch at noon")  # newest first
    assert 'id="live-broadcast-item"' in page  # the template the stream's broadcasts fill


def test_the_live_page_stream_names_broadcasts_too(
    supervisor: FlaskClient, engine: StandInEngine
) -> None:
    response = supervisor.get("/live/events", buffered=False)
    reader = SseReader(response.response)
    reader.until(lambda e: e["event"] == "snapshot")
    engine.wait_for_subscribers()
    engine.publish({"event": "broadcast", "call_id": "", "at": 7.0, "leg": "",
                    "data": {"id": 1, "text": "早上好", "from": "sue"}})  # fmt: skip
    event = reader.until(lambda e: e["event"] is not None and e["event"] != "snapshot")
    assert event == {"event": "broadcast", "comment": None, "retry": None,
                     "data": {"id": 1, "text": "早上好", "from": "sue", "at": 7.0}}  # fmt: skip
    response.close()
