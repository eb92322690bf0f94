"""A GSM module on a real pseudo-terminal, speaking the AT dialogue of a SIMCom or Quectel.

The driver opens the pty's slave side with pyserial exactly as it opens /dev/ttyUSB2;
the simulator answers on the master side, echoing commands until ATE0 like a real
module, and the test drives the far end: ring with caller ID, answer, hang up, busy,
an SMS, a malformed answer, a module that stops answering.
"""

from __future__ import annotations

import os
import select
import threading
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

    def status(self, direction: int, stat: int, number: str) -> str:
        """Return the module's call state line ("" when this module says nothing)."""
        if self.status_prefix.startswith("+CLCC"):
            return f'+CLCC: 1,{direction},{stat},0,0,"{number}",129'
        if self.status_prefix.startswith("^DSCI"):
            return f'^DSCI: 1,{direction},{stat},0,"{number}",129'
        # Huawei: ^ORIG when dialing, ^CONN when answered, ^CEND (duration, cause) at the end
        return {2: "^ORIG:1,0", 0: "^CONN:1,0", 6: "^CEND:1,0,104,16"}.get(stat, "")


SIM800 = Dialect("SIMCOM_SIM800", "Revision:1418B04SIM800L24", "+CLCC: ")
SIM7600 = Dialect("SIMCOM_SIM7600E-H", "Revision:LE20B04SIM7600M22", "+CLCC: ")
EC25 = Dialect("EC25", "Revision: EC25EFAR06A06M4G", "^DSCI: ")
E1752 = Dialect("E1752", "11.126.16.04.00", "^CONN")


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


class ModemSimulator:
    """A module on a pty: `path` is the device the driver opens."""

    def __init__(self, dialect: Dialect) -> None:
        """Open the pty and start answering."""
        self.dialect = dialect
        self.state = ModemState()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._buffer = b""
        self._thread = threading.Thread(target=self._loop, name="modem-sim", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop answering and close the pty."""
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self._master)
        os.close(self._slave)

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
