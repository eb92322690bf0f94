"""One DAHDI analog channel as a port: hook and dial ioctls, events, 20 ms G.711 frames.

Opening follows DAHDI's order: open /dev/dahdi/channel, DAHDI_SPECIFY the channel
number (before any other ioctl), DAHDI_SET_BLOCKSIZE 160 (20 ms of 8 kHz G.711),
DAHDI_GET_PARAMS for the signalling, law and alarms. A reader thread then waits on the
channel: a block read is a received frame; a read failing with ELAST means an event
waits, fetched with DAHDI_GETEVENT and interpreted by `signalling.py`.

Received frames also go to `line_dsp.LineListener`: on an FXO line, before the call is
taken, it looks for a caller ID (DTMF or FSK before the first ring, FSK between the first
and second); the first ring's `ring` event says how long to wait for it
(`caller_id_wait`), and a second ring with none means none comes (a `caller_id` with an
empty number). On a card without hardware DTMF it detects the keys of a call. An FXS
port sends the phone its caller ID: FSK after the first ring (on DAHDI's RINGEROFF),
DTMF before it; the blocks go out one per block received, so they keep the line's pace.
"""

from __future__ import annotations

import collections
import errno
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any

from appliance.boards.audio import ALAW_8K, ULAW_8K, AudioStream
from appliance.boards.base import Port, PortHealth
from appliance.boards.callerid.messages import CallerId
from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.dahdi import ioctls
from appliance.boards.dahdi.line_dsp import LineListener, caller_id_blocks
from appliance.boards.dahdi.osif import ChannelDevice
from appliance.boards.dahdi.signalling import Events, interpret
from appliance.boards.exceptions import NotSupported, PortError

log = logging.getLogger(__name__)
BLOCK = 160  # bytes of G.711 in 20 ms
FRAME_QUEUE = 50  # one second of received audio; older frames are dropped
WAIT_SECONDS = 0.05
DIGITS = "0123456789*#ABCD"


class ChannelAudio(AudioStream):
    """The channel's G.711 frames: received ones queued by the reader, sent ones written."""

    def __init__(self, port: DahdiPort) -> None:
        """Stream the port's channel in its law."""
        super().__init__(ULAW_8K, f"dahdi channel {port.channel}")
        self._port = port
        self.received: queue.Queue[bytes] = queue.Queue(FRAME_QUEUE)

    def read_frame(self, timeout: float) -> bytes | None:
        """Return the next received frame, or None after timeout seconds."""
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            return None

    def write_frame(self, frame: bytes) -> None:
        """Write one frame to the channel."""
        if len(frame) != BLOCK:
            raise ValueError(f"a 20 ms G.711 frame is {BLOCK} bytes, got {len(frame)}")
        self._port.write(frame)

    def offer(self, frame: bytes) -> None:
        """Queue a received frame, dropping the oldest when nobody reads."""
        if self.received.full():
            self.received.get_nowait()
        self.received.put_nowait(frame)


class DahdiPort(Port):
    """An FXO or FXS channel of a DAHDI span."""

    def __init__(self, name: str, channel: int, config: dict[str, Any], device: ChannelDevice):
        """Set up the port for channel number `channel`; open() touches the device."""
        self.channel = channel
        super().__init__(name, PortKind.FXO, AudioStream(ULAW_8K, "closed"))
        self.config = config
        self.device = device
        self.frames = ChannelAudio(self)
        self.audio = self.frames
        self.params: dict[str, Any] = {}
        self._fd: int | None = None
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None
        self._lock_io = threading.Lock()
        self._state_lock = threading.RLock()  # the reader's events and the callers' calls
        self._last_ring = 0.0
        self._alarms: set[str] = set()
        self._tone_detect = False
        self._listener: LineListener | None = None
        self._cid_given = False  # this call's caller ID (or its absence) was reported
        self._cid_out: collections.deque[bytes] = collections.deque()  # to the phone, now
        self._cid_after_ring: collections.deque[bytes] = collections.deque()  # on RINGEROFF
        self._ring_after_cid = False  # DTMF caller ID: ring once it is sent

    # -- lifecycle -------------------------------------------------------------------

    def open(self) -> None:
        """Open and set up the channel, then start reading it."""
        path = str(Path(self.config["root"]) / "dev" / "dahdi" / "channel")
        self._fd = self.device.open(path)
        self.device.ioctl_int(self._fd, ioctls.SPECIFY, self.channel)
        self.device.ioctl_int(self._fd, ioctls.SET_BLOCKSIZE, BLOCK)
        self._read_params()
        self._tone_detect = self._enable_tone_detect()
        signalling = self.config["caller_id"] if self.kind is PortKind.FXO else "off"
        law = self.audio.format.encoding
        self._listener = LineListener(law, signalling, not self._tone_detect)
        self._stop.clear()
        self._reader = threading.Thread(target=self._read_loop, name="dahdi-read", daemon=True)
        self._reader.start()

    def _read_params(self) -> None:
        """Read the channel's signalling, law and alarms with DAHDI_GET_PARAMS."""
        assert self._fd is not None
        raw = ioctls.PARAMS.pack(self.channel, *([0] * 11), b"", *([0] * 11), 0)
        values = ioctls.PARAMS.unpack(self.device.ioctl_buffer(self._fd, ioctls.GET_PARAMS, raw))
        sigtype, curlaw, alarms = values[3], values[10], values[24]
        self.params = {"sigtype": sigtype, "law": curlaw, "name": values[12].rstrip(b"\0").decode()}
        if not sigtype & (ioctls.SIG_FXO | ioctls.SIG_FXS):
            raise PortError(f"{self.name}: channel {self.channel} is not an analog FXO/FXS channel")
        self.kind = PortKind.FXS if sigtype & ioctls.SIG_FXO else PortKind.FXO
        law = self.config["law"]
        alaw = law == "alaw" or (law == "auto" and curlaw == ioctls.LAW_ALAW)
        self.audio.format = ALAW_8K if alaw else ULAW_8K
        self._alarms = {name for name, bit in ioctls.ALARMS.items() if alarms & bit}

    def _enable_tone_detect(self) -> bool:
        """Ask the card to detect DTMF; return false when it cannot (software detection then)."""
        assert self._fd is not None
        flags = ioctls.TONEDETECT_ON | ioctls.TONEDETECT_MUTE
        try:
            self.device.ioctl_int(self._fd, ioctls.TONEDETECT, flags)
        except OSError as error:
            log.info("%s: no hardware DTMF detection (%s)", self.name, error)
            return False
        return True

    def close(self) -> None:
        """Stop reading, put the line on hook and close the channel; never raises."""
        self._stop.set()
        if self._reader is not None:
            self._reader.join(timeout=2)
        if self._fd is not None:
            try:
                if self.state is not CallState.IDLE:
                    self.device.ioctl_int(self._fd, ioctls.HOOK, ioctls.ONHOOK)
                self.device.close(self._fd)
            except OSError:
                log.debug("%s: close failed", self.name, exc_info=True)
        self._fd = None

    # -- reading -----------------------------------------------------------------------

    def _read_loop(self) -> None:
        """Read frames and events until stopped or the channel is gone."""
        assert self._fd is not None
        fd = self._fd
        while not self._stop.is_set():
            self._check_ring_timeout()
            try:
                if not self.device.wait_readable(fd, WAIT_SECONDS):
                    continue
                frame = self.device.read(fd, BLOCK)
                self.frames.offer(frame)
                self._heard(frame)
            except OSError as error:
                if error.errno in (errno.EAGAIN, errno.EINTR):
                    continue
                if error.errno != ioctls.ELAST:
                    self._gone(error)
                    return
                self._event(self.device.ioctl_int(fd, ioctls.GETEVENT, 0))

    def _heard(self, frame: bytes) -> None:
        """Look in a received frame for a caller ID or DTMF keys; send caller ID audio."""
        listener, state = self._listener, self.state
        if listener is None:
            return
        if self.kind is PortKind.FXO and state in (CallState.IDLE, CallState.RINGING):
            cid = None if self._cid_given else listener.caller_id(frame)
            if cid is not None and state is CallState.RINGING:
                self._cid_given, listener.pending = True, None
                self.emit(EventKind.CALLER_ID, **cid.as_event())
        elif state is CallState.ACTIVE or (
            self.kind is PortKind.FXS and state is CallState.DIALING
        ):
            for key in listener.keys(frame):
                self.emit(EventKind.DTMF, digit=key)
        self._send_caller_id()

    def _send_caller_id(self) -> None:
        """Write the next block of caller ID audio to the phone; ring once DTMF ID is out."""
        if not self._cid_out:
            return
        try:
            self.write(self._cid_out.popleft())
            if not self._cid_out and self._ring_after_cid:
                self._ring_after_cid = False
                self._hook(ioctls.RING)
        except (OSError, PortError) as error:
            log.warning("%s: caller ID to the phone failed: %s", self.name, error)
            self._cid_out.clear()

    def _event(self, code: int) -> None:
        """Interpret one DAHDI event and emit what it means."""
        with self._state_lock:
            polarity = self.config["answer_on_polarity"]
            was = self.state
            state, events = interpret(self.kind, self.state, code, polarity)
            if code == ioctls.EVENT_RINGOFFHOOK and state is CallState.RINGING:
                self._last_ring = time.monotonic()
                events = self._caller_id_on_ring(was, events)
            self.state = state
            if state is CallState.IDLE:
                self._cid_given = False
            if self.kind is PortKind.FXS:
                self._phone_caller_id(code, state)
        for kind, data in events:
            if kind is EventKind.ALARM:
                self._set_alarm(data["alarm"], data["on"])
            self.emit(kind, **data)

    def _caller_id_on_ring(self, was: CallState, events: Events) -> Events:
        """Add to a ring on an FXO line what is known of its caller ID (see the module)."""
        if self._listener is None or self.config["caller_id"] == "off" or self._cid_given:
            return events
        if was is CallState.IDLE:
            pending = self._listener.take_pending()
            if pending is not None:
                self._cid_given = True
                return [*events, (EventKind.CALLER_ID, pending.as_event())]
            wait = {"caller_id_wait": self.config["caller_id_wait"]}
            return [(kind, wait if kind is EventKind.RING else data) for kind, data in events]
        self._cid_given = True  # a second ring and no caller ID: none will come
        return [*events, (EventKind.CALLER_ID, {"number": "", "name": ""})]

    def _phone_caller_id(self, code: int, state: CallState) -> None:
        """FXS: send the caller ID when the first ring ends; stop it once not ringing."""
        if state is not CallState.RINGING:
            self._cid_out.clear()
            self._cid_after_ring.clear()
            self._ring_after_cid = False
        elif code == ioctls.EVENT_RINGEROFF and self._cid_after_ring:
            self._cid_out.extend(self._cid_after_ring)
            self._cid_after_ring.clear()

    def _set_alarm(self, alarm: str, on: bool) -> None:
        """Record an alarm raised or cleared."""
        (self._alarms.add if on else self._alarms.discard)(alarm)

    def _check_ring_timeout(self) -> None:
        """End an incoming call whose rings stopped before it was answered."""
        with self._state_lock:
            if self.kind is not PortKind.FXO or self.state is not CallState.RINGING:
                return
            if time.monotonic() - self._last_ring <= self.config["ring_timeout"]:
                return
            self.state = CallState.IDLE
        self.emit(EventKind.HANGUP, cause="abandoned")

    def _gone(self, error: OSError) -> None:
        """The channel failed under us: end the call and raise an alarm."""
        log.error("%s: channel %d failed: %s", self.name, self.channel, error)
        self._set_alarm("removed", True)
        if self.state is not CallState.IDLE:
            self.state = CallState.IDLE
            self.emit(EventKind.HANGUP, cause="failed")
        self.emit(EventKind.ALARM, alarm="removed", on=True)

    # -- calls ---------------------------------------------------------------------------

    def answer(self) -> None:
        """Take the ringing exchange line off hook."""
        self._need(PortKind.FXO, "answer", "an FXS phone answers by lifting its handset")
        with self._state_lock:
            self._require(CallState.RINGING, "answer")
            self._hook(ioctls.OFFHOOK)
            self.state = CallState.ACTIVE
        self.emit(EventKind.ANSWERED)

    def hangup(self) -> None:
        """Put the line on hook (FXO), or stop ringing / drop the call (FXS)."""
        with self._state_lock:
            if self.state is CallState.IDLE:
                return
            ringing_phone = self.kind is PortKind.FXS and self.state is CallState.RINGING
            self._hook(ioctls.RINGOFF if ringing_phone else ioctls.ONHOOK)
            self.state = CallState.IDLE
            self._cid_given = False
            if self.kind is PortKind.FXS:
                self._phone_caller_id(0, CallState.IDLE)
        self.emit(EventKind.HANGUP, cause="local")

    def dial(self, number: str) -> None:
        """Go off hook on the exchange line and dial number as DTMF."""
        self._need(PortKind.FXO, "dial", "a phone on an FXS port dials the box, not out")
        if not number or any(d not in DIGITS for d in number):
            raise PortError(f"{self.name}: cannot dial {number!r}: 0-9, *, #, A-D only")
        with self._state_lock:
            self._require(CallState.IDLE, "dial")
            self._hook(ioctls.OFFHOOK)
            self.state = CallState.DIALING
        self._dial_string("T" + number)

    def send_dtmf(self, digits: str) -> None:
        """Send DTMF tones on the call."""
        if not digits or any(d not in DIGITS for d in digits):
            raise PortError(f"{self.name}: cannot send DTMF {digits!r}: 0-9, *, #, A-D only")
        self._require(CallState.ACTIVE, "send DTMF")
        self._dial_string("T" + digits)

    def ring(self, caller_id: str = "", name: str = "") -> None:
        """Ring the phone on an FXS port and show it who calls (`phone_caller_id`)."""
        self._need(PortKind.FXS, "ring", "only an FXS port rings a phone")
        signalling = self.config["phone_caller_id"]
        cid = CallerId(caller_id, name, number_absent="" if caller_id else "unavailable")
        blocks = (
            caller_id_blocks(cid, signalling, self.audio.format.encoding)
            if signalling != "off"
            else collections.deque()
        )
        with self._state_lock:
            self._require(CallState.IDLE, "ring")
            if signalling == "dtmf" and blocks:  # before the first ring
                self._cid_out, self._ring_after_cid = blocks, True
            else:
                self._hook(ioctls.RING)
                self._cid_after_ring = blocks
            self.state = CallState.RINGING

    def write(self, frame: bytes) -> None:
        """Write one frame to the channel."""
        if self._fd is None:
            raise PortError(f"{self.name}: the channel is not open")
        with self._lock_io:
            self.device.write(self._fd, frame)

    def _need(self, kind: PortKind, what: str, why: str) -> None:
        """Raise NotSupported unless the port is of kind."""
        if self.kind is not kind:
            raise NotSupported(f"{self.name} is {self.kind}: cannot {what} ({why})")

    def _require(self, state: CallState, what: str) -> None:
        """Raise PortError unless the port is in state."""
        if self.state is not state:
            raise PortError(f"{self.name}: cannot {what} while {self.state}")

    def _hook(self, value: int) -> None:
        """Set the hook state with DAHDI_HOOK; a refusal is a PortError."""
        if self._fd is None:
            raise PortError(f"{self.name}: the channel is not open")
        try:
            self.device.ioctl_int(self._fd, ioctls.HOOK, value)
        except OSError as error:
            if error.errno == errno.EINPROGRESS:
                return  # DAHDI is still completing the previous hook change; it will apply
            raise PortError(f"{self.name}: DAHDI_HOOK {value} refused: {error}") from None

    def _dial_string(self, text: str) -> None:
        """Queue a dial string with DAHDI_DIAL (T = tones)."""
        assert self._fd is not None
        operation = ioctls.DIAL_OPERATION.pack(ioctls.DIAL_OP_APPEND, text.encode("ascii"))
        try:
            self.device.ioctl_buffer(self._fd, ioctls.DIAL, operation)
        except OSError as error:
            raise PortError(f"{self.name}: DAHDI_DIAL {text} refused: {error}") from None

    # -- health --------------------------------------------------------------------------

    def health(self) -> PortHealth:
        """Return the channel's alarms and whether the card detects DTMF."""
        details = {
            "channel": self.channel,
            "kind": self.kind.value,
            "law": self.audio.format.encoding,
            "dtmf": "card" if self._tone_detect else "software",
            "alarms": sorted(self._alarms),
        }
        problems = tuple(f"alarm_{a}" for a in sorted(self._alarms))
        return PortHealth(self.name, not problems, problems, details)
