"""The control socket: replies, clear errors, and no event lost after subscribing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from appliance.engine.control import CommandError, ControlClient, ControlError, ControlServer


def dispatch(cmd: str, args: dict[str, Any]) -> Any:
    if cmd == "echo":
        return args
    if cmd == "boom":
        raise RuntimeError("kaput")
    raise CommandError("unknown-command", f"unknown command {cmd!r}")


@pytest.fixture
def server(tmp_path: Path) -> Any:
    srv = ControlServer(tmp_path / "engine.sock", dispatch)
    srv.start()
    yield srv
    srv.stop()


def test_an_event_published_right_after_subscribing_arrives(server: ControlServer) -> None:
    client = ControlClient(server.server_address, timeout=5)  # type: ignore[arg-type]
    for n in range(50):  # the race, if there were one, would show within a few rounds
        events = client.events(timeout=5)
        server.publish({"event": "tick", "n": n})
        assert next(events) == {"event": "tick", "n": n}
        events.close()  # type: ignore[attr-defined]


def test_replies_and_errors(server: ControlServer, tmp_path: Path) -> None:
    client = ControlClient(server.server_address, timeout=5)  # type: ignore[arg-type]
    assert client.call("echo", a=1) == {"a": 1}
    with pytest.raises(ControlError, match="unknown command 'nope'"):
        client.call("nope")
    with pytest.raises(ControlError, match="RuntimeError: kaput") as err:
        client.call("boom")
    assert err.value.error_id == "internal-error"
    with pytest.raises(ControlError, match="engine not reachable") as gone:
        ControlClient(tmp_path / "absent.sock").call("echo")
    assert gone.value.error_id == "engine-unavailable"


def test_a_malformed_line_gets_an_error_and_the_connection_lives(server: ControlServer) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(server.server_address)  # type: ignore[arg-type]
        stream = sock.makefile("rwb")
        stream.write(b"{not json\n")
        stream.write(b'{"id": 2, "cmd": "echo", "x": "y"}\n')
        stream.flush()
        assert b'"bad-request"' in stream.readline()
        assert b'"x": "y"' in stream.readline()
