"""The live page and its Server-Sent Events stream, against a stand-in engine."""

from __future__ import annotations

import threading
import time
from typing import Any

from flask.testing import FlaskClient
from helpers_web import SseReader, StandInEngine, wait_until

from web.live import schemas

AGENT = {
    "extension": "1001",
    "name": "Wang Fang",
    "registered": True,
    "contact": "sip:1001@127.0.0.1:5062",
    "state": "ready",
    "queues": ["sales"],
}
CALL = {
    "call_id": "c-1",
    "from": "+8613800000001",
    "to": "4001",
    "state": "queued",
    "queue": "sales",
    "agent": None,
    "started_at": time.time() - 30,
}
EVENT = {"event": "call.started", "call_id": "c-2", "at": 1.5, "leg": "", "data": {"to": "4001"}}


def _feed_threads() -> list[threading.Thread]:
    """Return the live reader threads of engine subscriptions."""
    return [t for t in threading.enumerate() if t.name == "engine-feed" and t.is_alive()]


def _stream(client: FlaskClient) -> tuple[Any, SseReader]:
    """Open /live/events and return the response and a reader of its events."""
    response = client.get("/live/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    return response, SseReader(response.response)


def test_live_page_lists_agents_and_calls(logged_in: FlaskClient, engine: StandInEngine) -> None:
    """The page shows each agent's extension, name, phone and state, and each call."""
    engine.agents = [AGENT, {**AGENT, "extension": "1002", "name": "Li Lei", "registered": False}]
    engine.calls = [CALL]
    page = logged_in.get("/live").get_data(as_text=True)
    for text in ("1001", "Wang Fang", "Registered", "sip:1001@127.0.0.1:5062", "Ready"):
        assert text in page
    assert "Not registered" in page
    for text in ("+8613800000001", "4001", "Queued", "sales"):
        assert text in page
    assert 'data-dial="+8613800000001"' in page and "dial.js" in page  # numbers are dial links
    assert 'id="engine-status" class="banner" role="status" hidden' in page


def test_live_page_says_when_the_engine_is_not_running(logged_in: FlaskClient) -> None:
    """Without an engine the page renders (no 500) and says so."""
    response = logged_in.get("/live")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "engine not running" in body
    assert 'role="status" hidden' not in body


def test_stream_sends_a_snapshot_then_relays_published_events(
    logged_in: FlaskClient, engine: StandInEngine
) -> None:
    """The first event is the board; an event the engine publishes reaches the browser."""
    engine.agents = [AGENT]
    response, reader = _stream(logged_in)
    try:
        assert reader.next_event()["retry"] == "5000"
        snapshot = reader.until(lambda e: e["event"] == "snapshot")
        assert snapshot["data"]["agents"] == [AGENT]
        assert "Wang Fang" in snapshot["data"]["html"]["agents"]
        engine.wait_for_subscribers()
        engine.calls = [CALL]
        engine.publish(EVENT)
        assert reader.until(lambda e: e["event"] is None and e["data"] is not None)["data"] == EVENT
        fresh = reader.until(lambda e: e["event"] == "snapshot")
        assert fresh["data"]["calls"] == [CALL]
        assert "+8613800000001" in fresh["data"]["html"]["calls"]
    finally:
        response.close()
    wait_until(lambda: not _feed_threads())  # closing the page stopped the reader at once
    # ... and closed the subscription: the engine notices on its next event.
    wait_until(lambda: engine.publish(EVENT) or not engine.server.subscribers)


def test_stream_sends_keep_alive_comments(logged_in: FlaskClient, engine: StandInEngine) -> None:
    """A quiet stream carries a comment every keep-alive period (0.3 s in tests)."""
    response, reader = _stream(logged_in)
    try:
        reader.until(lambda e: e["comment"] == "keep-alive")
    finally:
        response.close()


def test_stream_says_engine_down_and_ends(logged_in: FlaskClient) -> None:
    """Without an engine the stream says so and ends; the browser retries after `retry`."""
    response, reader = _stream(logged_in)
    down = reader.until(lambda e: e["event"] == "engine-down")
    assert down["data"]["message"] == "engine not running"
    assert reader.next_event() is None
    response.close()


def test_stream_says_engine_down_when_the_engine_stops(
    logged_in: FlaskClient, engine: StandInEngine
) -> None:
    """An engine that goes away mid-stream is reported, then the stream ends."""
    response, reader = _stream(logged_in)
    reader.until(lambda e: e["event"] == "snapshot")
    engine.wait_for_subscribers()
    engine.server.stop()
    reader.until(lambda e: e["event"] == "engine-down")
    assert reader.next_event() is None
    response.close()
    engine.server = engine.server.__class__(engine.path, engine.dispatch)  # for teardown
    engine.server.start()


def test_board_rows_translate_states_and_sort() -> None:
    """Rows carry a label per state, calls oldest first, agents by extension number."""
    board = {
        "calls": [{**CALL, "started_at": 20.0}, {**CALL, "call_id": "c-0", "started_at": 10.0}],
        "agents": [{**AGENT, "extension": "1010"}, {**AGENT, "extension": "999"}],
    }
    rows = schemas.present(board, "Asia/Shanghai")
    assert [c["call_id"] for c in rows["calls"]] == ["c-0", "c-1"]
    assert rows["calls"][0]["since_clock"] == "08:00:10"
    assert [a["extension"] for a in rows["agents"]] == ["999", "1010"]
    assert str(rows["agents"][0]["state_label"]) == "Ready"
    assert schemas.epoch("1970-01-01T00:00:10Z") == 10.0
