"""The contract between the box and a line board driver.

A **board** is one piece of hardware (a GSM module, a DAHDI card); it has **ports**,
each one line. A driver is a `Board` subclass in its own module of
`appliance/boards/drivers/`, found by the registry (nothing else to register):

- ``type_key: str`` — the `type` a board's config names (``type: gsm``);
- ``SCHEMA: tuple[Field, ...]`` — its config keys (`schemas.Field`); the registry
  validates a board's config against it before anything else and reports errors;
- ``check_available(config)`` (classmethod) — raise `DriverUnavailable` when the
  library or hardware it needs is absent; the registry then reports the board as
  unavailable and skips it: a missing board never stops the box;
- ``__init__(name, config)`` — build the ports from the validated config, touch no
  device yet;
- ``open()`` / ``close()`` — open and release every port's device; `close` never
  raises and may be called twice;
- ``ports`` — the `Port` objects, in order; ``health()`` — one `PortHealth` each;
- ``poll()`` — ask the hardware for what it does not report by itself (a GSM module's
  signal, SIM and registration); called now and then by whoever runs the boards;
- ``present()`` — false once its device is gone (asked on a hot-plug rescan).

A **port** reports what happens on its line as `PortEvent`s: to every callback given
to `subscribe` and to its `events` queue. A callback runs on the driver's reader
thread: it must return quickly and must not call the port (the port's answer would be
read by that very thread, so the call could only time out) — hand the event over.
Its calls are ``answer``, ``hangup``, ``dial(number)``,
``send_dtmf(digits)`` and ``ring(caller_id, name)`` (FXS only); each returns when the
device has accepted it or raises `PortError` (`NotSupported`, `DeviceTimeout`) — it
never blocks longer than the driver's stated timeout. Its audio is `audio`, an
`AudioStream` of 20 ms frames in a declared format (`audio.py` converts to the
bridge's PCM, in one place). `health()` says whether the line can carry calls now
(alarms, GSM signal and registration, SIM missing, device not answering).

A **SIP-backed** port (``sip_backed = True``: an external gateway's, `sipgw`) is the
exception: the gateway speaks SIP and RTP itself, so its calls are SIP calls through
the SIP edge, not this port's methods (which raise `NotSupported`), and its `audio`
is never joined to the board bridge.  The driver only maps the port to a SIP account.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from appliance.boards.audio import AudioStream
from appliance.boards.const import CallState, EventKind, PortKind
from appliance.boards.exceptions import NotSupported
from appliance.boards.schemas import Field

log = logging.getLogger(__name__)
EVENT_QUEUE_LIMIT = 1000  # events nobody reads are dropped beyond this, oldest kept


@dataclass(frozen=True)
class PortEvent:
    """One thing that happened on a line: its kind, the port and what goes with it.

    `data` by kind: caller_id {"number", "name"}; dtmf {"digit"}; hangup {"cause"};
    signal {"rssi", "dbm"}; alarm {"alarm", "on"}; sms {"sender", "text"}.
    """

    kind: EventKind
    port: str
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class PortHealth:
    """Whether a port can carry calls, and why not: what the watchdog reads.

    `problems` are short keys ("sim_missing", "no_signal", "not_registered",
    "not_answering", "alarm_red", "not_configured"); `details` their values.
    """

    port: str
    ok: bool
    problems: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the health as JSON-ready data."""
        return {
            "port": self.port,
            "ok": self.ok,
            "problems": list(self.problems),
            "details": self.details,
        }


class Port:
    """One line of a board; drivers override the calls their hardware can make."""

    sip_backed: ClassVar[bool] = False  # true: calls and audio go over SIP (see above)

    def __init__(self, name: str, kind: PortKind, audio: AudioStream) -> None:
        """Name the port (board/line), say what it connects to and declare its audio."""
        self.name = name
        self.kind = kind
        self.audio = audio
        self.state = CallState.IDLE
        self.events: queue.Queue[PortEvent] = queue.Queue(EVENT_QUEUE_LIMIT)
        self._listeners: list[Callable[[PortEvent], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Callable[[PortEvent], None]) -> None:
        """Call listener with every event from now on."""
        with self._lock:
            self._listeners.append(listener)

    def emit(self, kind: EventKind, **data: Any) -> PortEvent:
        """Deliver an event to the queue and every listener; a failing listener is logged."""
        event = PortEvent(kind, self.name, data)
        try:
            self.events.put_nowait(event)
        except queue.Full:
            log.warning("port %s: event queue full, %s dropped", self.name, kind)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("port %s: listener failed on %s", self.name, kind)
        return event

    def answer(self) -> None:
        """Take the incoming call."""
        raise NotSupported(f"port {self.name} cannot answer")

    def hangup(self) -> None:
        """End the call (or stop ringing)."""
        raise NotSupported(f"port {self.name} cannot hang up")

    def dial(self, number: str) -> None:
        """Place a call to number."""
        raise NotSupported(f"port {self.name} cannot dial")

    def send_dtmf(self, digits: str) -> None:
        """Send DTMF digits on the call."""
        raise NotSupported(f"port {self.name} cannot send DTMF")

    def ring(self, caller_id: str = "", name: str = "") -> None:
        """Ring the phone on this port (FXS only), showing it the caller's number and name."""
        raise NotSupported(f"port {self.name} is {self.kind}: only an FXS port rings a phone")

    def health(self) -> PortHealth:
        """Return whether the port can carry calls now."""
        return PortHealth(self.name, True)


class Board:
    """A board driver: see the module docstring for the contract."""

    type_key: ClassVar[str] = ""
    SCHEMA: ClassVar[tuple[Field, ...]] = ()

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        """Keep the board's name and validated config; subclasses build `ports`."""
        self.name = name
        self.config = config
        self.ports: list[Port] = []

    @classmethod
    def check_available(cls, config: dict[str, Any]) -> None:
        """Raise DriverUnavailable if the hardware or library is absent (default: present)."""

    def open(self) -> None:
        """Open every port's device."""

    def close(self) -> None:
        """Release every port's device; never raises."""

    def poll(self) -> None:
        """Refresh what the hardware does not report by itself (default: nothing to ask)."""

    def present(self) -> bool:
        """Return false once the board's device has gone (unplugged); default: present."""
        return True

    def health(self) -> list[PortHealth]:
        """Return every port's health."""
        return [port.health() for port in self.ports]

    def port(self, name: str) -> Port:
        """Return the port called name (the line's name, or board/line)."""
        for port in self.ports:
            if name in (port.name, port.name.split("/", 1)[-1]):
                return port
        raise KeyError(f"board {self.name} has no port {name!r}")
