"""Analog phones on FXS ports as extensions of the box, for the line desk.

A board's `numbers:` entry for an FXS port is the extension of the phone on it (as for
a `sipgw` gateway's FXS ports); while the board runs that extension counts as
registered. The switchboard's calls to it ring the
port (`ring`) with the caller's number and name; lifting the handset answers (the line
desk's `answered` event). Lifted to dial, the phone hears dial tone and its keys are
gathered (`phone_dialing.py`); the number is placed as that extension's call by
`Switchboard.from_phone`, as a SIP phone's INVITE would be. Engine thread only.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from appliance.boards.base import Port
from appliance.boards.const import CallState, PortKind
from appliance.boards.exceptions import PortError
from appliance.engine.legs import Leg
from appliance.engine.phone_dialing import PhoneDialing
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.board_lines import LineDesk

log = logging.getLogger(__name__)


def analog_phones(ports: Sequence[Port], numbers: Mapping[str, str]) -> dict[str, str]:
    """Return extension -> port for the FXS ports among ports that have a number and
    whose calls the box carries itself (a SIP-backed port, a `sipgw` gateway's, is rung
    over SIP by the gateway: not here)."""
    return {
        numbers[port.name]: port.name
        for port in ports
        if port.kind is PortKind.FXS
        and numbers.get(port.name)
        and not getattr(port, "sip_backed", False)
    }


class PhoneDesk:
    """The FXS phones of the started boards and the numbers they are dialling."""

    def __init__(self, lines: LineDesk) -> None:
        """No phones until `start`."""
        self.lines = lines
        self.board = lines.board
        self.phones: dict[str, str] = {}  # extension -> the FXS port its phone is on
        self.dialing: dict[str, PhoneDialing] = {}  # FXS port -> its phone's keys so far

    def follow(self, ports: Sequence[Port], numbers: Mapping[str, str]) -> None:
        """Take the FXS ports among ports: each one's number is its phone's extension,
        registered from now on (an extension the store does not have is logged)."""
        for extension, port in analog_phones(ports, numbers).items():
            self.phones[extension] = port
            if extension not in self.board.acd.agents:
                log.error("%s: no extension %s in the store for its phone", port, extension)
            self.board.acd.set_registered(extension, True, time.time())
            log.info("%s: an analog phone, extension %s", port, extension)

    def stop(self) -> None:
        """Stop every dial tone and forget the numbers half dialled."""
        for dialing in self.dialing.values():
            dialing.stop()
        self.dialing.clear()

    def extension_of(self, port: str) -> str:
        """Return the extension of the phone on a port ("" if none)."""
        return next((e for e, p in self.phones.items() if p == port), "")

    def lifted(self, port: Port) -> None:
        """An FXS phone was lifted to dial: dial tone, then its keys."""
        extension = self.extension_of(port.name)
        if not extension:
            log.warning("%s lifted: no extension is set for it (numbers: of its board)",
                        port.name)  # fmt: skip
            return
        self.put_down(port.name)
        done = functools.partial(self._dialled, port, extension)
        self.dialing[port.name] = PhoneDialing(self.lines.reactor, port, extension, done)

    def key(self, port: str, digit: str) -> bool:
        """Take a key of a phone dialling; return false if the port is not dialling."""
        dialing = self.dialing.get(port)
        if dialing is None:
            return False
        dialing.key(digit)
        return True

    def put_down(self, port: str) -> None:
        """Forget what a phone was dialling (put down before the number was complete)."""
        dialing = self.dialing.pop(port, None)
        if dialing is not None:
            dialing.stop()

    def _dialled(self, port: Port, extension: str, number: str) -> None:
        """A lifted phone dialled number: its call, as its extension's."""
        self.dialing.pop(port.name, None)
        if port.name in self.lines.legs or port.state is CallState.IDLE:
            return  # put down meanwhile
        leg = self.lines.new_leg(port, "caller")
        self.board.from_phone(leg, extension, number, port.name)

    def ring(self, session: CallSession, extension: str, role: str, ring_s: float) -> Leg:
        """Ring the analog phone of extension for a call, showing it the caller's number
        and name; like `LineDesk.dial_leg`, a phone that cannot be rung (off hook, the
        port refused) gives a leg already ended, and an unanswered one is given up after
        ring_s seconds."""
        port = self.lines.ports[self.phones[extension]]
        if port.name in self.lines.legs or port.state is not CallState.IDLE:
            gone = self.lines.unreachable(session, role)
            gone.extension = extension
            return gone
        leg = self.lines.new_leg(port, role)
        leg.call_id, leg.extension = session.call_id, extension
        try:
            port.ring(session.from_number, self.caller_name(session))
        except PortError as error:
            log.error("call %s: cannot ring %s on %s: %s", session.call_id, extension,
                      port.name, error)  # fmt: skip
            leg.ended = True
            self.board.legs.pop(leg.leg_id, None)
            self.lines.released(leg)
            return leg
        session.timers.append(self.lines.reactor.call_later(ring_s, leg.give_up))
        return leg

    def caller_name(self, session: CallSession) -> str:
        """Return the name to show for a call's caller: an agent's, or a line's caller ID."""
        agent = self.board.acd.agents.get(session.from_number)
        if agent is not None and agent.name:
            return agent.name
        return str(getattr(session.caller, "caller_name", ""))
