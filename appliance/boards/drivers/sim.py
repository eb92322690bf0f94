"""The `sim` driver: a loopback board for tests and demos, driven from its far side.

Config (docs/boards.md)::

    - name: sim
      type: sim
      ports: 2                  # lines sim/1, sim/2
      fxs: 1                    # phones after them: sim/3 (FXS ports)
      phone_caller_id: bell     # how the phones are shown callers: bell, v23, dtmf, off
      socket: /run/callbox/sim.sock   # the harness socket; "" for none (in-process only)
      numbers: ["100", "101"]   # each line's inbound number (any board type)

A test (or a person with `socat`) rings a line, presses keys, plays audio, reads what
the box said, and answers or hangs up the box's calls through the socket
(`appliance/boards/sim/harness.py`, JSON lines).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from appliance.boards.base import Board
from appliance.boards.callerid.sender import SENDINGS
from appliance.boards.const import PortKind
from appliance.boards.schemas import Field, at_least, one_of
from appliance.boards.sim.harness import HarnessServer
from appliance.boards.sim.port import SimPort


def _at_most_64(value: Any) -> str:
    """Return an error if more than 64 ports are asked for."""
    return "" if value <= 64 else f"must be at most 64, got {value!r}"


class SimBoard(Board):
    """N loopback lines, with a harness socket for the far side."""

    type_key: ClassVar[str] = "sim"
    SCHEMA: ClassVar[tuple[Field, ...]] = (
        Field("ports", int, 1, lambda v: at_least(1)(v) or _at_most_64(v)),
        Field("fxs", int, 0, lambda v: at_least(0)(v) or _at_most_64(v)),
        Field("phone_caller_id", str, "bell", one_of(*SENDINGS)),
        Field("socket", str, "", help="the harness's unix socket ('' for none)"),
    )

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        """Make the lines; the socket opens with the board."""
        super().__init__(name, config)
        lines, phones = config["ports"], config["fxs"]
        self.ports = [SimPort(f"{name}/{n}") for n in range(1, lines + 1)]
        shown = config["phone_caller_id"]
        numbers = range(lines + 1, lines + phones + 1)
        self.ports += [SimPort(f"{name}/{n}", PortKind.FXS, shown) for n in numbers]
        self.harness: HarnessServer | None = None

    def sim_port(self, name: str) -> SimPort:
        """Return a line by name (board/line or line), typed."""
        port = self.port(name)
        assert isinstance(port, SimPort)
        return port

    def open(self) -> None:
        """Open the harness socket, if one is configured."""
        if self.config["socket"]:
            self.harness = HarnessServer(Path(self.config["socket"]), self)
            self.harness.start()

    def close(self) -> None:
        """Close the harness socket; hang up every line; never raises."""
        if self.harness is not None:
            self.harness.stop()
            self.harness = None
        for port in self.ports:
            assert isinstance(port, SimPort)
            port.hangup()
