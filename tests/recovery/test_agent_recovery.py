"""Engine start mends agents a crash left busy, in the store and in the event log."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from appliance.engine.agent_recovery import reconcile_agents
from appliance.engine.recovery import recover, repair_wav_header
from appliance.store.models import Agent, CallEvent, Cdr


def _agent(extension: str, state: str = "ready") -> None:
    """Store one agent."""
    Agent.create(extension=extension, name=extension, sip_password="pw", state=state)


def _state_event(extension: str, state: str, at: float) -> None:
    """Store one agent.state event."""
    data = {"agent": extension, "state": state, "reason": ""}
    CallEvent.create(call_id="", at=at, kind="agent.state", leg=extension, data=data)


def _last_state(extension: str) -> dict[str, str]:
    """Return the data of an agent's last agent.state event."""
    rows = CallEvent.select().where((CallEvent.leg == extension) & (CallEvent.call_id == ""))
    return dict(rows.order_by(CallEvent.id.desc()).first().data)


def test_agents_left_busy_are_put_back_ready_with_an_event(store: Database) -> None:
    _agent("201")  # on a call when the engine died
    _agent("202", state="not_ready")  # chose a pause during its ringing: the store has it
    _agent("203", state="on_call")  # a state kept while busy: the live one was written
    _agent("204")  # idle: left alone
    _state_event("201", "on_call", 10.0)
    _state_event("202", "ringing", 11.0)
    _state_event("204", "on_call", 12.0)
    _state_event("204", "ready", 13.0)
    assert reconcile_agents(store) == ["201", "202", "203"]
    states = {a.extension: a.state for a in Agent.select()}
    assert states == {"201": "ready", "202": "not_ready", "203": "ready", "204": "ready"}
    assert _last_state("201") == {"agent": "201", "state": "ready", "reason": "",
                                  "recovered": "engine restarted"}  # fmt: skip
    assert _last_state("202")["state"] == "not_ready"  # the pause chosen is kept
    assert _last_state("204")["state"] == "ready" and "recovered" not in _last_state("204")
    assert reconcile_agents(store) == []  # a second start finds nothing to do


def test_every_part_of_an_interrupted_call_is_repaired(store: Database, tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    header = bytearray(b"RIFF\0\0\0\0WAVEfmt " + bytes(20) + b"data\0\0\0\0")
    for name in ("c1.wav", "c1-2.wav"):
        (folder / name).write_bytes(bytes(header) + b"\1\0" * 800)
    for kind, at, data in [
        ("call.started", 1.0, {"from": "1", "to": "100"}),
        ("recording.started", 2.0, {"file": "c1.wav"}),
        ("recording.stopped", 3.0, {"file": "c1.wav", "reason": "disk_full"}),
        ("recording.resumed", 4.0, {"file": "c1-2.wav", "part": 2}),
    ]:
        CallEvent.create(call_id="c1", at=at, kind=kind, leg="", data=data)
    recover(store, folder)
    assert Cdr.get(Cdr.call_id == "c1").outcome == "interrupted"
    for name in ("c1.wav", "c1-2.wav"):
        assert (folder / name).read_bytes()[40:44] == (1600).to_bytes(4, "little")
        assert not repair_wav_header(folder / name)  # already right
