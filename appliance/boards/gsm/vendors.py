"""What differs between GSM module makers, as data: setup, unsolicited results, audio path.

A URC's *meaning* is one of the names `port.py` handles: ring, caller_id, call_status,
ended, busy, no_answer, answered, sms, signal, ignore. `call_status` lines (``+CLCC:``,
Quectel's ``^DSCI:``) carry the call's state as their third field.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.boards.audio import PCM16_8K, AudioFormat

# Every module speaks these (3GPP TS 27.007 and V.25ter).
COMMON_URCS: tuple[tuple[str, str], ...] = (
    ("RING", "ring"),
    ("+CRING:", "ring"),
    ("+CLIP:", "caller_id"),
    ("+CLCC:", "call_status"),
    ("NO CARRIER", "ended"),
    ("BUSY", "busy"),
    ("NO ANSWER", "no_answer"),
    ("+CMTI:", "sms"),
    ("+CREG:", "ignore"),  # registration changes: read by the next health poll
)
# Sent to every module after `ATE0`: numeric errors, caller ID, SMS in text mode, new SMS
# announced with +CMTI (stored on the SIM, read with AT+CMGR).
COMMON_INIT = ("AT+CMEE=1", "AT+CLIP=1", "AT+CMGF=1", "AT+CNMI=2,1,0,0,0")


@dataclass(frozen=True)
class Vendor:
    """One maker's modules: how to recognise them and how they differ."""

    name: str
    models: tuple[str, ...]  # substrings of the AT+CGMM answer
    init: tuple[str, ...]
    urcs: tuple[tuple[str, str], ...]
    audio_path: str  # how the voice reaches the box (described; joined by the media bridge)
    audio_enable: str  # the command that switches that path on, sent by the bridge
    audio_format: AudioFormat = PCM16_8K
    hangup: str = "AT+CHUP"

    def meaning(self, line: str) -> str:
        """Return what an unsolicited line means, or "" when it is not one."""
        for prefix, meaning in self.urcs + COMMON_URCS:
            if line.startswith(prefix):
                return meaning
        return ""


SIMCOM = Vendor(
    name="simcom",
    models=("SIM800", "SIM900", "SIM7600", "SIM7000", "SIMCOM"),
    init=("AT+CLCC=1",),  # report every call state change as a +CLCC line
    urcs=(
        ("VOICE CALL: BEGIN", "answered"),
        ("VOICE CALL: END", "ended"),
        ("MISSED_CALL:", "ignore"),
        ("SMS Ready", "ignore"),
        ("Call Ready", "ignore"),
        ("+CPIN:", "ignore"),
    ),
    audio_path="serial-pcm: 8 kHz 16-bit mono PCM on the module's USB audio serial port",
    audio_enable="AT+CPCMREG=1",
)
QUECTEL = Vendor(
    name="quectel",
    models=("EC25", "EC21", "EG25", "EC20", "UC20", "QUECTEL"),
    init=("AT^DSCI=1",),  # report every call state change as a ^DSCI line
    urcs=(
        ("^DSCI:", "call_status"),
        ("+QIND:", "ignore"),
        ("RDY", "ignore"),
        ("+CPIN:", "ignore"),
    ),
    audio_path="usb-audio: the module's USB audio class sound card, 8 kHz 16-bit mono",
    audio_enable="AT+QPCMV=1,2",
)
HUAWEI = Vendor(
    name="huawei",
    models=("E153", "E1550", "E1752", "E173", "E180", "HUAWEI"),
    init=("AT^CVOICE?",),  # fails on a data-only firmware: the voice path is missing
    urcs=(
        ("^CONN:", "answered"),
        ("^CEND:", "ended"),
        ("^ORIG:", "ignore"),
        ("^CONF:", "ignore"),
        ("^RSSI:", "signal"),
        ("^BOOT:", "ignore"),
        ("^MODE:", "ignore"),
        ("^SRVST:", "ignore"),
    ),
    audio_path="serial-pcm: 8 kHz 16-bit mono PCM on the modem's voice serial port",
    audio_enable="AT^DDSETEX=2",
)
VENDORS = {v.name: v for v in (SIMCOM, QUECTEL, HUAWEI)}


def for_model(model: str) -> Vendor | None:
    """Return the vendor whose modules answer AT+CGMM with model, or None."""
    upper = model.upper()
    for vendor in VENDORS.values():
        if any(m in upper for m in vendor.models):
            return vendor
    return None
