"""The `broadcast` control command: a supervisor's message reaches every subscriber."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from appliance.engine.broadcast_commands import MAX_TEXT, BroadcastCommands
from appliance.engine.control import CommandError, ControlClient, ControlError, ControlServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ControlServer]:
    def dispatch(cmd: str, args: dict[str, Any]) -> Any:
        if cmd not in commands.table:
            raise CommandError("unknown-command", cmd)
        return commands.table[cmd](**args)

    srv = ControlServer(tmp_path / "engine.sock", dispatch)
    commands = BroadcastCommands(srv.publish)
    srv.start()
    yield srv
    srv.stop()


def test_a_broadcast_reaches_subscribers(server: ControlServer) -> None:
    client = ControlClient(server.server_address, timeout=5)  # type: ignore[arg-type]
    events = client.events(timeout=5)
    reply = client.call("broadcast", text=" Team meeting at 3 ", sender="sue", broadcast_id=7)
    event = next(events)
    events.close()  # type: ignore[attr-defined]
    assert event == reply
    assert event["event"] == "broadcast"
    assert event["data"] == {"id": 7, "text": "Team meeting at 3", "from": "sue"}


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_TEXT + 1), 42])
def test_a_bad_text_is_refused(server: ControlServer, text: Any) -> None:
    client = ControlClient(server.server_address, timeout=5)  # type: ignore[arg-type]
    with pytest.raises(ControlError, match="text must be") as err:
        client.call("broadcast", text=text, sender="sue")
    assert err.value.error_id == "bad-args"
