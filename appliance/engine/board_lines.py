"""Board lines as call legs: a port's call in or out is a CallSession like a trunk's.

`LineDesk` starts the configured boards (`boards:` setting), follows each port's events
on the engine thread and gives every call on a line a `LineLeg`: a `Leg` whose audio is
the line's `LineBridge` port in the conference bridge and whose answer, hangup and
dial go to the board port.  The rest of the switchboard (IVR, queues, agents, bridge,
recording, CDR) sees a leg like any other.  A call in goes to the port's configured
inbound number (`numbers:` of its board) as if a trunk had delivered it there.
A `BoardMonitor` polls the boards' health on its own thread and rescans them when a
device is plugged in or out (`boards.rescan`); the boards that came or went join or
leave the desk here, on the engine thread.
A phone on an FXS port is the extension its board's `numbers:` gives the port
(`board_phones.py`): the switchboard's calls to it ring the port, lifting answers, and
lifted to dial its keys are placed as that extension's call.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from appliance.boards.audio import AudioStream
from appliance.boards.base import Board, Port, PortEvent
from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.exceptions import BoardError, PortError
from appliance.boards.hotplug import Rescan, start_boards
from appliance.boards.monitor import BoardMonitor
from appliance.boards.registry import STATUS_FILE, Registry
from appliance.engine.board_phones import PhoneDesk
from appliance.engine.frame_port import LineBridge, LinePump
from appliance.engine.legs import Leg
from appliance.engine.line_tones import RINGBACK, Cadence, LineTone
from appliance.engine.queue_store import TrunkPeer
from appliance.engine.reactor import Timer
from appliance.engine.session import CallSession, new_call_id

if TYPE_CHECKING:
    import pjsua2 as pj

    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
RING_WAIT_SECONDS = 1.0  # a ring with no caller ID yet: wait this long for one
FORMATS = {"pcm16": "slin16", "ulaw": "ulaw", "alaw": "alaw"}
CAUSE_CODES = {"normal": 200, "busy": 486, "no_answer": 480, "failed": 503, "abandoned": 487}
OUT_ROLE = "line_out"
MAX_FRAMES_PER_TICK = 50


class PortAudio:
    """A port's `AudioStream` as the pump's `LineAudio`: whole frames in and out."""

    def __init__(self, stream: AudioStream) -> None:
        """Wrap the port's stream."""
        self.stream = stream
        self.muted = False  # the box plays the line a tone of its own (`line_tones`)

    def receive_audio(self) -> bytes:
        """Return every frame the line has ready now."""
        frames: list[bytes] = []
        while len(frames) < MAX_FRAMES_PER_TICK:
            frame = self.stream.read_frame(0)
            if frame is None:
                break
            frames.append(frame)
        return b"".join(frames)

    def send_audio(self, data: bytes) -> None:
        """Send whole frames to the line (none while muted)."""
        if self.muted:
            return
        size = self.stream.format.frame_bytes
        for i in range(0, len(data) - size + 1, size):
            self.stream.write_frame(data[i : i + size])


class LineLeg(Leg):
    """A call on a board port, as a leg: answer, end and dial act on the port."""

    def __init__(
        self, desk: LineDesk, port: Port, bridge: LineBridge, role: str, audio: PortAudio
    ) -> None:
        """A leg with no SIP dialog; its audio is the line's bridge port once answered."""
        super().__init__(desk.board, None, -1, role)
        self.desk = desk
        self.port = port
        self.bridge = bridge
        self.port_audio = audio
        self.tone: LineTone | None = None  # ringback to an analog phone that dialled
        self.caller_name = ""  # the line's caller ID name (shown on analog phones it rings)

    def info(self) -> pj.CallInfo:
        """A line has no SIP dialog."""
        raise BoardError(f"line {self.port.name} has no SIP call info")

    def answer(self, code: int = 200) -> None:
        """Take the call on the line (2xx); a refusal (3xx and up) hangs it up."""
        if code < 200 and self.port.kind is PortKind.FXS and self.tone is None:
            self._play(RINGBACK)  # the phone that dialled hears the callee ring
        if code < 200 or self.ended or self.answered_at is not None:
            return  # a line has no provisional answer: it keeps ringing
        if code >= 300:
            self.end(code)
            return
        if self.port.kind is PortKind.FXS:  # the phone that dialled is off hook already
            self.connected()
            return
        try:
            self.port.answer()
        except PortError as error:
            log.error("line %s: cannot answer: %s", self.port.name, error)
            self.end(503)
            return
        self.connected()

    def _play(self, cadence: Cadence) -> None:
        """Play the line a tone instead of the bridge's audio, until `quiet`."""
        if self.ended:
            return
        self.port_audio.muted = True
        self.tone = LineTone(self.desk.reactor, self.port, cadence)

    def quiet(self) -> None:
        """Stop a tone: the bridge's audio reaches the line again."""
        if self.tone is not None:
            self.tone.stop()
            self.tone = None
        self.port_audio.muted = False

    def connected(self) -> None:
        """The line's call is up: tell the switchboard, and let its audio into the bridge."""
        self.quiet()
        self.board.leg_confirmed(self)
        self.media_active(self.bridge.media)

    def dial(self, uri: str, headers: dict[str, str] | None = None) -> None:
        """Dial the number on the line (uri is the number; PortError ends the leg)."""
        self.port.dial(uri)

    def read_rtp(self) -> dict[str, int]:
        """A line has no RTP."""
        return self.rtp

    def end(self, code: int = 200, reason: str = "") -> None:
        """Hang up the line; the leg ends on the engine thread's next turn."""
        if self.ended:
            return
        try:
            self.port.hangup()
        except PortError as error:
            log.warning("line %s: hangup: %s", self.port.name, error)
        why = reason or "hung up by the box"
        self.desk.reactor.call_later(0, functools.partial(self.disconnected, code, why))

    def disconnected(self, code: int, reason: str) -> None:
        """End the leg, then take the line's port out of the bridge."""
        first = not self.ended
        self.quiet()
        super().disconnected(code, reason)
        if first:
            self.desk.released(self)


class LineDesk:
    """The boards the engine runs and the calls on their lines."""

    def __init__(self, board: Switchboard) -> None:
        """No boards yet: `start` loads them."""
        self.board = board
        self.reactor = board.reactor
        self.registry: Registry | None = None
        self.monitor: BoardMonitor | None = None
        self.pump = LinePump(self.reactor.call_later)
        self.ports: dict[str, Port] = {}
        self.numbers: dict[str, str] = {}  # port -> its inbound number
        self.legs: dict[str, LineLeg] = {}  # port -> the leg of its call
        self._waiting: dict[str, Timer] = {}  # port rung, caller ID awaited
        self._board_numbers: dict[str, list[str]] = {}  # board -> its ports' numbers
        self.phone_desk = PhoneDesk(self)  # analog phones on FXS ports
        self.phones = self.phone_desk.phones  # extension -> its FXS port
        self._seq = 0

    def start(self, configs: Sequence[Mapping[str, Any]]) -> None:
        """Start the boards (writing <run>/boards.json) and follow their ports."""
        self._forget_status()  # one left by an engine that died
        if not configs:
            return
        settings = self.board.settings
        self.registry = start_boards(settings, list(configs))
        self._board_numbers = {
            str(c.get("name") or f"board{i + 1}"): [str(n) for n in c.get("numbers", [])]
            for i, c in enumerate(configs)
            if isinstance(c, Mapping)
        }
        for hardware in self.registry.boards.values():
            self._follow(hardware)
        interval = settings.engine.boards_poll_seconds
        self.monitor = BoardMonitor(settings, self.registry, list(configs), interval,
                                    self._changed)  # fmt: skip
        self.monitor.start()

    def _follow(self, hardware: Board) -> None:
        """Take a board's ports as lines, each with its inbound number."""
        numbers = self._board_numbers.get(hardware.name, [])
        for index, port in enumerate(hardware.ports):
            self.ports[port.name] = port
            if index < len(numbers):
                self.numbers[port.name] = numbers[index]
            port.subscribe(self._from_driver)
            log.info("line %s: number %s", port.name, self.numbers.get(port.name, "-"))
        self.phone_desk.follow(hardware.ports, self.numbers)

    def _changed(self, changed: Rescan) -> None:
        """Boards came or went on a rescan (monitor thread): follow it on the engine thread."""
        self.reactor.submit(functools.partial(self.boards_changed, changed))

    def boards_changed(self, changed: Rescan) -> None:
        """Drop the lines of boards that went (ending their calls); take the new ones."""
        for gone in changed.removed:
            for port in gone.ports:
                extension = self.phone_desk.extension_of(port.name)
                if extension:  # its analog phone is gone with it
                    self.phone_desk.put_down(port.name)
                    del self.phones[extension]
                    self.board.acd.set_registered(extension, False, time.time())
                self.ports.pop(port.name, None)
                self.numbers.pop(port.name, None)
                leg = self.legs.get(port.name)
                if leg is not None and not leg.ended:
                    leg.disconnected(503, "line removed")
        for hardware in changed.added:
            self._follow(hardware)

    def rescan(self) -> Future[Rescan]:
        """Ask the monitor to rescan the boards (a device was plugged in or out)."""
        if self.monitor is None:
            raise ValueError("no line boards are configured (setting boards:)")
        return self.monitor.rescan()

    def stop(self) -> None:
        """Stop pumping and close every board; their status goes (none started)."""
        self.phone_desk.stop()
        self.pump.stop()
        if self.monitor is not None:
            self.monitor.stop()
            self.monitor = None
        if self.registry is None:
            return
        self.registry.close()
        self._forget_status()
        self.registry = None

    def _forget_status(self) -> None:
        """Remove <run>/boards.json: the `boards` check then says no boards are started."""
        with contextlib.suppress(OSError):
            (self.board.settings.run_dir / STATUS_FILE).unlink()

    def _from_driver(self, event: PortEvent) -> None:
        """Hand a port's event to the engine thread (runs on the driver's thread); an
        alarm also makes the monitor read the boards' health now."""
        if event.kind is EventKind.ALARM and self.monitor is not None:
            self.monitor.poke()
        self.reactor.submit(functools.partial(self.on_event, event))

    def on_event(self, event: PortEvent) -> None:
        """Act on one port event (engine thread)."""
        port = self.ports.get(event.port)
        if port is None:
            return
        leg = self.legs.get(port.name)
        if event.kind is EventKind.CALLER_ID and leg is None:
            name = str(event.data.get("name", ""))
            self._call_in(port, str(event.data.get("number", "")), name)
        elif event.kind is EventKind.RING and leg is None and port.name not in self._waiting:
            call_in = functools.partial(self._call_in, port, "")
            wait = float(event.data.get("caller_id_wait", RING_WAIT_SECONDS))  # dahdi: FSK
            self._waiting[port.name] = self.reactor.call_later(wait, call_in)
        elif event.kind is EventKind.OFFHOOK and leg is None:
            self.phone_desk.lifted(port)
        elif event.kind is EventKind.DTMF and leg is None:
            self.phone_desk.key(port.name, str(event.data.get("digit", "")))
        elif leg is None:
            self._cancel_wait(port.name)
            if event.kind is EventKind.HANGUP:
                self.phone_desk.put_down(port.name)
        elif event.kind is EventKind.DTMF:
            self.board.leg_digit(leg, str(event.data.get("digit", "")))
        elif event.kind is EventKind.ANSWERED and leg.role == OUT_ROLE:
            self._answered_out(leg)
        elif event.kind is EventKind.ANSWERED and leg.role != "caller" and not leg.ended:
            leg.connected()  # a call the switchboard placed on the line (a `line` trunk)
        elif event.kind is EventKind.HANGUP:
            cause = str(event.data.get("cause", "normal"))
            leg.disconnected(CAUSE_CODES.get(cause, 200), f"line hung up ({cause})")

    def _cancel_wait(self, port: str) -> None:
        """Forget a ring that waited for its caller ID."""
        timer = self._waiting.pop(port, None)
        if timer is not None:
            timer.cancel()

    def new_leg(self, port: Port, role: str) -> LineLeg:
        """Return a leg for a call on port, its audio in the bridge and pumped."""
        self._seq += 1
        fmt = FORMATS[port.audio.format.encoding]
        bridge = LineBridge(f"line-{self._seq}-{port.name}", fmt)
        audio = PortAudio(port.audio)
        leg = LineLeg(self, port, bridge, role, audio)
        self.board.add_leg(leg)
        self.legs[port.name] = leg
        self.pump.add(bridge, audio)
        return leg

    def _call_in(self, port: Port, number: str, name: str = "") -> None:
        """A call rang on a line: it goes to the port's inbound number like a trunk's call."""
        self._cancel_wait(port.name)
        if port.name in self.legs or port.state is not CallState.RINGING:
            return
        leg = self.new_leg(port, "caller")
        leg.caller_name = name
        to = self.numbers.get(port.name, "")
        self.board.take_call(leg, "line", number, to, port.name)

    def dial(self, port_name: str, number: str) -> str:
        """Call number out on a line; return the call id (ValueError if the line is busy)."""
        port = self.ports.get(port_name)
        if port is None:
            known = ", ".join(sorted(self.ports)) or "none"
            raise ValueError(f"no line port {port_name!r} (lines: {known})")
        if port.name in self.legs or port.state is not CallState.IDLE:
            raise ValueError(f"line {port.name} is busy ({port.state})")
        leg = self.new_leg(port, OUT_ROLE)
        leg.number = number
        session = CallSession(new_call_id(), leg, self.numbers.get(port.name, port.name),
                              number, direction="outbound", started_at=time.time())  # fmt: skip
        session.state = "dialing"
        leg.call_id = session.call_id
        self.board.sessions[session.call_id] = session
        data = {"from": session.from_number, "to": number, "direction": "outbound",
                "via": "line", "source": port.name}  # fmt: skip
        self.board.emit(session, "call.started", data, leg.leg_id)
        try:
            leg.dial(number)
        except PortError as error:
            self.board.emit(session, "line.failed", {"line": port.name, "error": str(error)})
            self.board.end_call(session, "system", f"cannot dial on {port.name}: {error}", 503)
            return session.call_id
        self.board.emit(session, "line.dialling", {"line": port.name, "number": number})
        return session.call_id

    def dial_leg(
        self, session: CallSession, peer: TrunkPeer, number: str, role: str, ring_s: float
    ) -> Leg:
        """Call number on the line a `line` trunk names (its host) for a call; like
        `Switchboard.dial`, a leg that could not be dialled (line unknown or busy, the
        port refused) comes back already ended, and an unanswered one is given up after
        ring_s seconds."""
        port = self.ports.get(peer.host)
        if port is None or port.name in self.legs or port.state is not CallState.IDLE:
            why = "no such line" if port is None else f"the line is {port.state}"
            log.warning("call %s: trunk %s (line %s): %s", session.call_id, peer.name,
                        peer.host, why)  # fmt: skip
            gone = self.unreachable(session, role)
            gone.number, gone.trunk = number, peer.name
            return gone
        leg = self.new_leg(port, role)
        leg.call_id, leg.number, leg.trunk = session.call_id, number, peer.name
        try:
            leg.dial(number)
        except PortError as error:
            log.error("call %s: line %s cannot dial %s: %s", session.call_id, port.name,
                      number, error)  # fmt: skip
            leg.ended = True
            self.board.legs.pop(leg.leg_id, None)
            self.released(leg)
            return leg
        session.timers.append(self.reactor.call_later(ring_s, leg.give_up))
        return leg

    def ring_phone(self, session: CallSession, extension: str, role: str, ring_s: float) -> Leg:
        """Ring the analog phone of extension (`PhoneDesk.ring`)."""
        return self.phone_desk.ring(session, extension, role, ring_s)

    def unreachable(self, session: CallSession, role: str) -> Leg:
        """Return a leg of the call that could not be placed (already ended)."""
        gone = Leg(self.board, None, -1, role)
        gone.ended, gone.call_id = True, session.call_id
        return gone

    def _answered_out(self, leg: LineLeg) -> None:
        """The far end answered a call out on a line."""
        session = self.board.sessions.get(leg.call_id)
        leg.answered_at = time.time()
        if session is None:
            return
        session.state = "talking"
        data = {"number": leg.number, "agent": None, "line": leg.port.name}
        self.board.emit(session, "outbound.answered", data, leg.leg_id)
        leg.audio = leg.bridge.media

    def released(self, leg: LineLeg) -> None:
        """A line's call ended: its port leaves the pump and the bridge."""
        if self.legs.get(leg.port.name) is leg:
            del self.legs[leg.port.name]
        self.pump.remove(leg.bridge.name)
        try:
            leg.bridge.close()
        except Exception:  # the port is gone with the library at shutdown
            log.exception("line %s: closing its bridge port failed", leg.port.name)

    def status(self) -> list[dict[str, Any]]:
        """Return each line: its state, number, phone's extension and call (`lines`)."""
        return [
            {
                "port": name,
                "state": port.state.value,
                "number": self.numbers.get(name, ""),
                "extension": self.phone_desk.extension_of(name),
                "call_id": self.legs[name].call_id if name in self.legs else None,
            }
            for name, port in sorted(self.ports.items())
        ]
