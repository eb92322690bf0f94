"""The `dahdi` driver: analog FXO/FXS channels of a card driven by the Linux DAHDI kernel.

Config (docs/boards.md)::

    - name: analog
      type: dahdi
      channels: [1, 2]          # default: every analog channel dahdi_cfg configured
      law: auto                 # or ulaw, alaw (auto: the span's law)
      caller_id: auto           # FXO: auto (Bell 202, V.23, DTMF), bell, v23, dtmf, off
      caller_id_wait: 5.0       # seconds after the first ring the engine waits for it
      phone_caller_id: bell     # FXS: bell, v23, dtmf or off

The card must be configured first (`dahdi_genconf` + `dahdi_cfg`): a channel without
signalling is reported, not guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from appliance.boards.base import Board
from appliance.boards.callerid.receiver import SIGNALLINGS
from appliance.boards.callerid.sender import SENDINGS
from appliance.boards.dahdi import detect
from appliance.boards.dahdi.osif import ChannelDevice, LinuxChannels
from appliance.boards.dahdi.port import DahdiPort
from appliance.boards.exceptions import BoardConfigError, DriverUnavailable
from appliance.boards.schemas import Field, at_least, one_of


def _channel_numbers(value: Any) -> str:
    """Return an error unless value is a list of positive channel numbers."""
    good = all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)
    return "" if good else f"must be a list of channel numbers (1, 2, …), got {value!r}"


class DahdiBoard(Board):
    """The analog channels of the DAHDI spans on this box (or the configured ones)."""

    type_key: ClassVar[str] = "dahdi"
    SCHEMA: ClassVar[tuple[Field, ...]] = (
        Field("root", str, "/", help="where /proc, /sys and /dev are (a test's or chroot's copy)"),
        Field("channels", list, [], _channel_numbers),
        Field("law", str, "auto", one_of("auto", "ulaw", "alaw")),
        Field("answer_on_polarity", bool, True),  # the exchange reverses polarity on answer
        Field("ring_timeout", float, 8.0, at_least(0.1)),  # no ring for this long: caller left
        # FXO: caller ID listened for (auto: Bell 202, V.23 and DTMF), and how long the
        # engine waits for it after the first ring (it comes before the second)
        Field("caller_id", str, "auto", one_of(*SIGNALLINGS)),
        Field("caller_id_wait", float, 5.0, at_least(0.5)),
        # FXS: how the phone is shown who calls (FSK after the first ring, DTMF before it)
        Field("phone_caller_id", str, "bell", one_of(*SENDINGS)),
    )

    @classmethod
    def check_available(cls, config: dict[str, Any]) -> None:
        """Raise DriverUnavailable unless DAHDI is loaded and its channel device exists."""
        root = Path(config["root"])
        if not (root / "proc" / "dahdi").is_dir():
            raise DriverUnavailable(
                f"DAHDI is not loaded: no {root / 'proc' / 'dahdi'} (load the card's kernel "
                "module, then run dahdi_genconf and dahdi_cfg)"
            )
        if not (root / "dev" / "dahdi" / "channel").exists():
            raise DriverUnavailable(f"no {root / 'dev' / 'dahdi' / 'channel'}")

    def __init__(
        self, name: str, config: dict[str, Any], device: ChannelDevice | None = None
    ) -> None:
        """Make a port for every chosen channel (the OS door may be a test's)."""
        super().__init__(name, config)
        self.device = device or LinuxChannels()
        self.spans = detect.spans(Path(config["root"]))
        analog = {c.number: c for s in self.spans for c in s.channels if c.kind is not None}
        chosen = config["channels"] or sorted(analog)
        missing = [n for n in chosen if n not in analog]
        if missing:
            raise BoardConfigError(
                f"board {name}: channel(s) {', '.join(map(str, missing))} are not analog "
                f"channels configured by dahdi_cfg; found: {sorted(analog) or 'none'}"
            )
        self.ports = [DahdiPort(f"{name}/{n}", n, config, self.device) for n in chosen]

    def open(self) -> None:
        """Open every channel; a failure closes the ones already open (the registry does)."""
        for port in self.ports:
            assert isinstance(port, DahdiPort)
            port.open()

    def close(self) -> None:
        """Close every channel; never raises."""
        for port in self.ports:
            assert isinstance(port, DahdiPort)
            port.close()
