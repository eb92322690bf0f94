"""The `gsm` driver: a GSM/LTE module (SIMCom, Quectel, Huawei) on a serial port, one line.

Config (docs/boards.md)::

    - name: mobile1
      type: gsm
      device: /dev/ttyUSB2      # or a pyserial URL (rfc2217://host:port)
      vendor: auto              # or simcom, quectel, huawei
      audio_device: /dev/ttyUSB4  # the module's PCM voice port ("" : no call audio)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, ClassVar

from appliance.boards.base import Board
from appliance.boards.exceptions import DriverUnavailable
from appliance.boards.gsm.port import GsmPort
from appliance.boards.gsm.sms import SmsStore
from appliance.boards.gsm.vendors import VENDORS
from appliance.boards.schemas import Field, at_least, one_of


class GsmBoard(Board):
    """One GSM module: one port."""

    type_key: ClassVar[str] = "gsm"
    SCHEMA: ClassVar[tuple[Field, ...]] = (
        Field("device", str, help="the module's AT serial port, e.g. /dev/ttyUSB2"),
        Field("baudrate", int, 115200, at_least(1200)),
        Field("vendor", str, "auto", one_of("auto", *VENDORS)),
        Field("command_timeout", float, 2.0, at_least(0.05)),
        Field("answer_timeout", float, 10.0, at_least(0.05)),
        Field("min_rssi", int, 5, at_least(0)),  # CSQ below this is reported as no signal
        Field("sms_file", str, "var/sms.jsonl"),
        # the module's PCM voice port (SIMCom USB audio, Quectel NMEA, Huawei diagnostics);
        # "" : calls carry no audio to the box
        Field("audio_device", str, ""),
    )

    @classmethod
    def check_available(cls, config: dict[str, Any]) -> None:
        """Raise DriverUnavailable without pyserial or without the serial device."""
        if importlib.util.find_spec("serial") is None:
            raise DriverUnavailable("the gsm driver needs pyserial, which is not installed")
        device = config["device"]
        if "://" not in device and not Path(device).exists():
            raise DriverUnavailable(f"no serial port at {device}")

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        """Make the module's one port."""
        super().__init__(name, config)
        self.ports = [GsmPort(f"{name}/1", config, SmsStore(Path(config["sms_file"])))]

    def open(self) -> None:
        """Open the module's port."""
        self._port().open()

    def close(self) -> None:
        """Close the module's port; never raises."""
        self._port().close()

    def poll(self) -> None:
        """Ask the module for its SIM, signal and registration."""
        self._port().refresh_health()

    def present(self) -> bool:
        """Return false once the module's AT port has gone or was lost under the driver."""
        device = self.config["device"]
        return not self._port().lost and ("://" in device or Path(device).exists())

    def _port(self) -> GsmPort:
        """Return the one port, typed."""
        port = self.ports[0]
        assert isinstance(port, GsmPort)
        return port
