"""A GSM module on a real pseudo-terminal, speaking the AT dialogue of a SIMCom or Quectel.

The driver opens the pty's slave side with pyserial exactly as it opens /dev/ttyUSB2;
the simulator answers on the master side, echoing commands until ATE0 like a real
module, and the test drives the far end: ring with caller ID, answer, hang up, busy,
an SMS, a malformed answer, a module that stops answering, a key pressed.

A second pty is the module's audio port (`audio_path`, the driver's `audio_device`):
while a call is up and the PCM path is on (the dialect's enable command), the far end
speaks a tone there as 8 kHz 16-bit PCM in real time, `audio_chunk` bytes at a time,
and whatever the driver writes is kept in `state.heard`.
"""

from __future__ import annotations

import math
import os
import select
import struct
import threading
import time
import tty
from dataclasses import dataclass, field

# How each module reports call state: SIMCom with AT+CLCC=1 (+CLCC lines), Quectel with
# AT^DSCI=1 (^DSCI lines); <id>,<dir>,<stat>,... with stat 0 active, 2 dialing, 4 incoming,
# 6 ended.


@dataclass(frozen=True)
class Dialect:
    """What one module model says."""

    model: str
    revision: str
    status_prefix: str  # "+CLCC: " or "^DSCI: "
    pcm_on: str = ""  # the command that starts PCM on the audio port ("": none)
    pcm_off: str = ""  # the one that stops it ("": it stops with the call)
    dtmf_setup: str = ""  # the command that turns key reports on
    dtmf_line: str = ""  # a key report, {key} or {code} (its ASCII code)

    def status(self, direction: int, stat: int, number: str) -> str:
        """Return the module's call state line ("" when this module says nothing)."""
        if self.status_prefix.startswith("+CLCC"):
            return f'+CLCC: 1,{direction},{stat},0,0,"{number}",129'
        if self.status_prefix.startswith("^DSCI"):
            return f'^DSCI: 1,{direction},{stat},0,"{number}",129'
        # Huawei: ^ORIG when dialing, ^CONN when answered, ^CEND (duration, cause) at the end
        return {2: "^ORIG:1,0", 0: "^CONN:1,0", 6: "^CEND:1,0,104,16"}.get(stat, "")


SIM800 = Dialect(
    "SIMCOM_SIM800", "Revision:1418B04SIM800L24", "+CLCC: ", "", "", "AT+DDET=1", "+DTMF: {key}"
)
SIM7600 = Dialect(
    "SIMCOM_SIM7600E-H",
    "Revision:LE20B04SIM7600M22",
    "+CLCC: ",
    "AT+CPCMREG=1",
    "AT+CPCMREG=0",
    "AT+DDET=1",
    "+RXDTMF: {key}",
)
EC25 = Dialect(
    "EC25",
    "Revision: EC25EFAR06A06M4G",
    "^DSCI: ",
    "AT+QPCMV=1,0",
    "AT+QPCMV=0",
    "AT+QTONEDET=1",
    "+QTONEDET: {code}",
)
E1752 = Dialect(
    "E1752", "11.126.16.04.00", "^CONN", "AT^DDSETEX=2", "", "AT^DDTMFCFG=0,1", "^DDTMF: {key}"
)
FRAME_BYTES = 320  # 20 ms of 8 kHz 16-bit PCM
MAX_HEARD_BYTES = 30 * 16000  # what the driver sent on the audio port, last 30 s kept


@dataclass
class ModemState:
    """The simulated module's SIM, radio and call."""

    echo: bool = True
    sim: str = "READY"  # or "missing"
    rssi: int = 20
    creg: int = 1
    call: str = "idle"  # idle, ringing, dialing, active
    number: str = ""
    dtmf: list[str] = field(default_factory=list)
    sms: dict[int, tuple[str, str]] = field(default_factory=dict)
    muted: bool = False
    overrides: dict[str, list[str]] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    pcm: bool = False  # the PCM path is on
    tone_hz: int = 600  # what the far end says on the audio port
    audio_chunk: int = FRAME_BYTES  # bytes written at a time (a module's own frame size)
    audio_stalled: bool = False  # the far end's audio stops coming
    audio_deaf: bool = False  # the module stops reading what the driver sends
    audio_sent: int = 0  # bytes spoken on the audio port
    audio_dropped: int = 0  # bytes the pty would not take (nobody reading)
    heard: bytearray = field(default_factory=bytearray)


class ModemSimulator:
    """A module on a pty: `path` is the device the driver opens."""

    def __init__(self, dialect: Dialect) -> None:
        """Open the pty and start answering."""
        self.dialect = dialect
        self.state = ModemState()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._audio_master, self._audio_slave = os.openpty()
        tty.setraw(self._audio_slave)
        os.set_blocking(self._audio_master, False)
        self.audio_path = os.ttyname(self._audio_slave)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._buffer = b""
        self._phase = 0
        self._threads = [
            threading.Thread(target=self._loop, name="modem-sim", daemon=True),
            threading.Thread(target=self._audio_loop, name="modem-sim-audio", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        """Stop answering and close the ptys (their device nodes go: the module is unplugged)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for fd in (self._master, self._slave, self._audio_master, self._audio_slave):
            os.close(fd)

    def take_heard(self) -> bytes:
        """Return (and forget) what the driver sent on the audio port."""
        with self._lock:
            data = bytes(self.state.heard)
            self.state.heard.clear()
        return data

    def press(self, key: str) -> None:
        """The caller presses a key: the module reports it as the dialect does."""
        self.say(self.dialect.dtmf_line.format(key=key, code=ord(key)))

    # -- the far end ---------------------------------------------------------------

    def incoming_call(self, number: str) -> None:
        """Ring the module: RING with +CLIP, as after AT+CLIP=1."""
        with self._lock:
            self.state.call, self.state.number = "ringing", number
        self.say(self.dialect.status(1, 4, number), "RING", f'+CLIP: "{number}",129,"",0,"",0')

    def ring_again(self) -> None:
        """Send the next RING of the ringing call."""
        self.say("RING", f'+CLIP: "{self.state.number}",129,"",0,"",0')

    def remote_answer(self) -> None:
        """The called party answered."""
        with self._lock:
            self.state.call = "active"
        self.say(self.dialect.status(0, 0, self.state.number))

    def remote_hangup(self) -> None:
        """The other party hung up: NO CARRIER."""
        self._end()
        self.say(self.dialect.status(0, 6, self.state.number), "NO CARRIER")

    def remote_busy(self) -> None:
        """The called number is busy."""
        self._end()
        self.say("BUSY")

    def deliver_sms(self, index: int, sender: str, text: str) -> None:
        """Store an SMS on the SIM and announce it with +CMTI."""
        with self._lock:
            self.state.sms[index] = (sender, text)
        self.say(f'+CMTI: "SM",{index}')

    def say(self, *lines: str) -> None:
        """Send unsolicited lines, each framed in CR LF as modules do (empty ones not)."""
        self.raw(b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines if line))

    def raw(self, data: bytes) -> None:
        """Send bytes as they are."""
        os.write(self._master, data)

    def _end(self) -> None:
        """Put the call down."""
        with self._lock:
            self.state.call = "idle"
            if not self.dialect.pcm_off:
                self.state.pcm = False  # a module without an off command stops with the call

    def _audio_loop(self) -> None:
        """Every 20 ms: speak the tone while the call's PCM is on, keep what the driver sent."""
        next_tick = time.monotonic()
        while not self._stop.is_set():
            next_tick += 0.02
            time.sleep(max(0.0, next_tick - time.monotonic()))
            with self._lock:
                s = self.state
                speaking = s.pcm and s.call == "active" and not s.audio_stalled
                chunk, hz = s.audio_chunk, s.tone_hz
                deaf = s.audio_deaf
            if speaking:
                self._speak(self._tone(FRAME_BYTES // 2, hz), chunk)
            if not deaf:
                self._listen()

    def _tone(self, samples: int, hz: int) -> bytes:
        """Return the next samples of a continuous sine at hz, 16-bit little-endian."""
        start, self._phase = self._phase, self._phase + samples
        step = 2 * math.pi * hz / 8000
        values = (int(8000 * math.sin(step * (start + i))) for i in range(samples))
        return struct.pack(f"<{samples}h", *values)

    def _speak(self, pcm: bytes, chunk: int) -> None:
        """Write pcm to the audio port, chunk bytes at a time; what it will not take is lost."""
        for i in range(0, len(pcm), chunk):
            part = pcm[i : i + chunk]
            try:
                written = os.write(self._audio_master, part)
            except (BlockingIOError, OSError):
                written = 0
            with self._lock:
                self.state.audio_sent += written
                self.state.audio_dropped += len(part) - written

    def _listen(self) -> None:
        """Keep what the driver wrote on the audio port (the last MAX_HEARD_BYTES)."""
        while True:
            try:
                data = os.read(self._audio_master, 4096)
            except (BlockingIOError, OSError):
                return
            if not data:
                return
            with self._lock:
                self.state.heard += data
                del self.state.heard[:-MAX_HEARD_BYTES]

    # -- the module ------------------------------------------------------------------

    def _loop(self) -> None:
        """Read commands from the driver and answer each."""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                self._buffer += os.read(self._master, 1024)
            except OSError:
                continue
            while b"\r" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\r", 1)
                command = raw.decode(errors="replace").strip()
                if command:
                    self._command(command)

    def _command(self, command: str) -> None:
        """Answer one command (or not, when muted)."""
        with self._lock:
            self.state.received.append(command)
            if self.state.muted:
                return
            echo = command.encode() + b"\r" if self.state.echo else b""
            lines = self.state.overrides.pop(command, None)
            if lines is None:
                lines = self._answer(command)
        self.raw(echo + b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines if line))

    def _answer(self, command: str) -> list[str]:
        """Return the module's answer to a command (the lock is held)."""
        s = self.state
        upper = command.upper()
        if upper in ("AT", "AT+CMEE=1", "AT+CLIP=1", "AT+CMGF=1") or upper.startswith("AT+CNMI="):
            return ["OK"]
        if upper in ("AT+CLCC=1", "AT^DSCI=1"):
            return ["OK"] if self.dialect.status_prefix.strip(": ") in upper else ["ERROR"]
        if upper in ("ATE0", "ATE1"):
            s.echo = upper == "ATE1"
            return ["OK"]
        if upper == "AT+CGMM":
            return [self.dialect.model, "OK"]
        if upper == self.dialect.dtmf_setup:
            return ["OK"]
        if self.dialect.pcm_on and upper in (self.dialect.pcm_on, self.dialect.pcm_off):
            if upper == self.dialect.pcm_on and s.call != "active":
                return ["+CME ERROR: 3"]  # no call to carry
            s.pcm = upper == self.dialect.pcm_on
            return ["OK"]
        if upper == "AT^CVOICE?" and self.dialect.status_prefix == "^CONN":
            return ["^CVOICE:0,8000,16,20", "OK"]  # voice on: 8 kHz, 16 bit, 20 ms
        if upper == "AT+CPIN?":
            return ["+CME ERROR: 10"] if s.sim == "missing" else [f"+CPIN: {s.sim}", "OK"]
        if upper == "AT+CSQ":
            return [f"+CSQ: {s.rssi},99", "OK"]
        if upper == "AT+CREG?":
            return [f"+CREG: 0,{s.creg}", "OK"]
        return self._call_command(upper)

    def _call_command(self, upper: str) -> list[str]:
        """Answer ATA, ATD, AT+CHUP, AT+VTS and the SMS commands."""
        s = self.state
        if upper == "ATA":
            if s.call != "ringing":
                return ["NO CARRIER"]
            s.call = "active"
            return ["OK", self.dialect.status(1, 0, s.number)]
        if upper.startswith("ATD") and upper.endswith(";"):
            if s.call != "idle" or s.creg not in (1, 5):
                return ["NO CARRIER"]
            s.call, s.number = "dialing", upper[3:-1]
            return ["OK", self.dialect.status(0, 2, s.number)]
        if upper == "AT+CHUP":
            s.call = "idle"
            s.pcm = s.pcm and bool(self.dialect.pcm_off)
            return ["OK"]
        if upper.startswith("AT+VTS="):
            if s.call != "active":
                return ["+CME ERROR: 3"]
            s.dtmf.append(upper[7:])
            return ["OK"]
        return self._sms_command(upper)

    def _sms_command(self, upper: str) -> list[str]:
        """Answer AT+CMGR and AT+CMGD."""
        s = self.state
        if upper.startswith("AT+CMGR="):
            index = int(upper[8:])
            if index not in s.sms:
                return ["+CMS ERROR: 321"]
            sender, text = s.sms[index]
            return [f'+CMGR: "REC UNREAD","{sender}","","26/11/28,09:30:00+32"', text, "OK"]
        if upper.startswith("AT+CMGD="):
            s.sms.pop(int(upper[8:]), None)
            return ["OK"]
        return ["ERROR"]
