"""A sim port: a line whose far end is a test harness instead of a telephone company.

The box side is the `Port` contract (answer, hangup, dial, send_dtmf, events, audio).
The far side (`far_*` methods, called by the harness) rings the line with a caller ID,
presses keys, answers or hangs up a call the box placed, and plays audio into the line.
What the box did (answered, hung up, dialled a number, sent DTMF) is kept in `actions`
for the harness to read; what the box said on the line is kept in `heard`.

A port of kind FXS is a phone instead of a line: the box rings it (`ring`, with the
caller ID put into `heard` as a phone would hear it: FSK after the first ring, DTMF
before it, as the board's `phone_caller_id` says), and the far side lifts the handset
(`far_lift`: answers a ringing phone, or takes an idle one off hook to dial, `offhook`),
presses keys and puts it down (`far_hangup`).
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

from appliance.boards.audio import PCM16_8K, AudioStream
from appliance.boards.base import Port
from appliance.boards.callerid.messages import CallerId
from appliance.boards.callerid.sender import caller_id_audio
from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.exceptions import NotSupported, PortError

FRAME_SECONDS = 0.02
MAX_QUEUED_SECONDS = 60  # audio the far side may queue to play
MAX_HEARD_SECONDS = 30  # what the box said, kept until the harness reads it
MAX_ACTIONS = 1000


class SimAudio(AudioStream):
    """16-bit PCM both ways; the far side's audio is handed out in real time, 20 ms a frame."""

    def __init__(self, path: str) -> None:
        """Start with nothing to play and nothing heard."""
        super().__init__(PCM16_8K, path)
        self._lock = threading.Lock()
        self._to_box: collections.deque[bytes] = collections.deque()
        self._due = 0.0  # when the next queued frame may be read
        self._heard: collections.deque[bytes] = collections.deque(
            maxlen=int(MAX_HEARD_SECONDS / FRAME_SECONDS)
        )

    def play(self, pcm: bytes) -> int:
        """Queue 16-bit PCM for the line to say (cut in frames, the last padded); return frames."""
        if len(pcm) % 2:
            raise ValueError("16-bit PCM must have an even number of bytes")
        size = self.format.frame_bytes
        frames = [pcm[i : i + size].ljust(size, b"\0") for i in range(0, len(pcm), size)]
        with self._lock:
            if len(self._to_box) + len(frames) > MAX_QUEUED_SECONDS / FRAME_SECONDS:
                raise ValueError(f"more than {MAX_QUEUED_SECONDS} s of audio queued")
            if not self._to_box:
                self._due = time.monotonic()
            self._to_box.extend(frames)
        return len(frames)

    def silence(self) -> None:
        """Drop what is queued to play."""
        with self._lock:
            self._to_box.clear()

    def read_frame(self, timeout: float) -> bytes | None:
        """Return the next frame of the far side's audio once its time has come (else None)."""
        with self._lock:
            now = time.monotonic()
            if not self._to_box or now < self._due:
                return None
            self._due = max(self._due + FRAME_SECONDS, now - 0.1)  # a late reader catches up
            return self._to_box.popleft()

    def write_frame(self, frame: bytes) -> None:
        """Keep a frame the box sent to the line."""
        if len(frame) != self.format.frame_bytes:
            raise ValueError(f"a frame is {self.format.frame_bytes} bytes, got {len(frame)}")
        with self._lock:
            self._heard.append(bytes(frame))

    def hear(self, pcm: bytes) -> None:
        """Keep audio the line itself gave the far side (a phone's caller ID), in frames."""
        size = self.format.frame_bytes
        for i in range(0, len(pcm), size):
            self.write_frame(pcm[i : i + size].ljust(size, b"\0"))

    def take_heard(self) -> bytes:
        """Return (and forget) what the box sent since the last call."""
        with self._lock:
            data = b"".join(self._heard)
            self._heard.clear()
        return data


class SimPort(Port):
    """One loopback line."""

    def __init__(self, name: str, kind: PortKind = PortKind.FXO, caller_id: str = "bell") -> None:
        """A line (or, kind FXS, a phone shown callers as caller_id says) with sim audio."""
        super().__init__(name, kind, SimAudio(f"sim {name}"))
        self.caller_id = caller_id
        self.sim_audio: SimAudio = self.audio  # type: ignore[assignment]
        self.actions: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_ACTIONS)
        self.dialled = ""
        self._state_lock = threading.Lock()

    # --- the box's side (Port contract) --------------------------------------------------

    def answer(self) -> None:
        """Take the ringing call."""
        self._not_fxs("answer", "a phone answers by lifting its handset")
        self._move((CallState.RINGING,), CallState.ACTIVE, "answer")
        self._did("answered")

    def hangup(self) -> None:
        """End the call or refuse the ringing one; an idle line is left alone."""
        with self._state_lock:
            was, self.state = self.state, CallState.IDLE
        if was is not CallState.IDLE:
            self.sim_audio.silence()
            self._did("hung_up")

    def dial(self, number: str) -> None:
        """Place a call: the far side sees the number and answers or hangs up."""
        self._not_fxs("dial", "a phone on an FXS port dials the box, not out")
        if not number or not all(c in "0123456789*#+" for c in number):
            raise PortError(f"port {self.name}: cannot dial {number!r}")
        self._move((CallState.IDLE,), CallState.DIALING, "dial")
        self.dialled = number
        self._did("dialled", number=number)

    def send_dtmf(self, digits: str) -> None:
        """Send keys to the far side (an active call only)."""
        if self.state is not CallState.ACTIVE:
            raise PortError(f"port {self.name}: no call to send DTMF on")
        self._did("dtmf", digits=digits)

    def ring(self, caller_id: str = "", name: str = "") -> None:
        """Ring the phone (FXS) and send it the caller ID (`caller_id`: bell, v23, dtmf, off)."""
        if self.kind is not PortKind.FXS:
            super().ring(caller_id, name)
        self._move((CallState.IDLE,), CallState.RINGING, "ring")
        cid = CallerId(caller_id, name, number_absent="" if caller_id else "unavailable")
        self.sim_audio.hear(caller_id_audio(cid, self.caller_id, time.strftime("%m%d%H%M")))
        self._did("ringing", caller_id=caller_id, name=name)

    def _not_fxs(self, what: str, why: str) -> None:
        """Raise NotSupported on an FXS port."""
        if self.kind is PortKind.FXS:
            raise NotSupported(f"port {self.name} is fxs: cannot {what} ({why})")

    # --- the far side (the harness) ------------------------------------------------------

    def far_lift(self) -> None:
        """Lift the phone (FXS): answer it while it rings, else go off hook to dial."""
        if self.kind is not PortKind.FXS:
            raise PortError(f"port {self.name} is a line, not a phone: ring or answer it")
        with self._state_lock:
            was = self.state
            if was not in (CallState.IDLE, CallState.RINGING):
                raise PortError(f"port {self.name} is {was}: the phone is already off hook")
            self.state = CallState.ACTIVE if was is CallState.RINGING else CallState.DIALING
        self.emit(EventKind.ANSWERED if was is CallState.RINGING else EventKind.OFFHOOK)

    def far_ring(self, number: str, name: str = "") -> None:
        """Ring the line from number (the caller ID; "" rings with none, as a withheld one)."""
        if self.kind is PortKind.FXS:
            raise PortError(f"port {self.name} is a phone: the box rings it, the far side lifts it")
        self._move((CallState.IDLE,), CallState.RINGING, "ring")
        self.emit(EventKind.RING)
        if number:
            self.emit(EventKind.CALLER_ID, number=number, name=name)

    def far_answer(self) -> None:
        """Answer the call the box placed."""
        self._move((CallState.DIALING,), CallState.ACTIVE, "answer the far side of")
        self.emit(EventKind.ANSWERED)

    def far_hangup(self, cause: str = "normal") -> None:
        """Hang up (or stop ringing, or refuse the box's call with cause busy/no_answer)."""
        with self._state_lock:
            was, self.state = self.state, CallState.IDLE
        if was is CallState.IDLE:
            raise PortError(f"port {self.name}: no call to hang up")
        self.sim_audio.silence()
        self.emit(EventKind.HANGUP, cause=cause)

    def far_dtmf(self, digits: str) -> None:
        """Press keys on the far side (each digit an event, as RFC 2833 would carry it)."""
        dialling = self.kind is PortKind.FXS and self.state is CallState.DIALING
        if self.state not in (CallState.ACTIVE, CallState.RINGING) and not dialling:
            raise PortError(f"port {self.name}: no call to press keys on")
        bad = [d for d in digits if d not in "0123456789*#ABCD"]
        if bad or not digits:
            raise PortError(f"port {self.name}: not DTMF digits: {digits!r}")
        for digit in digits:
            self.emit(EventKind.DTMF, digit=digit)

    def take_actions(self) -> list[dict[str, Any]]:
        """Return (and forget) what the box did since the last call."""
        with self._state_lock:
            actions = list(self.actions)
            self.actions.clear()
        return actions

    def _move(self, allowed: tuple[CallState, ...], to: CallState, what: str) -> None:
        """Change state if the line is in one of allowed, else raise PortError."""
        with self._state_lock:
            if self.state not in allowed:
                raise PortError(f"port {self.name} is {self.state}: cannot {what} it")
            self.state = to

    def _did(self, action: str, **data: Any) -> None:
        """Note something the box did on the line."""
        with self._state_lock:
            self.actions.append({"action": action, "at": time.time(), **data})
