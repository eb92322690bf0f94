"""What differs between GSM module makers, as data: setup, unsolicited results, audio path.

A URC's *meaning* is one of the names `port.py` handles: ring, caller_id, call_status,
ended, busy, no_answer, answered, dtmf, sms, signal, ignore. `call_status` lines
(``+CLCC:``, Quectel's ``^DSCI:``) carry the call's state as their third field; `dtmf`
lines a key the caller pressed (a character, or Quectel's ASCII code).

The voice of a call (`PcmPath`) is 8 kHz 16-bit little-endian PCM on a second serial
port of the module (its `audio_device`), switched on by an AT command once the call is
up and off at hangup: SIMCom's SIM7600 on its USB audio port (`AT+CPCMREG`), Quectel's
EC2x on its USB NMEA port (`AT+QPCMV=1,0`), Huawei's voice-capable sticks on their
diagnostics port (`AT^DDSETEX=2`; the stream stops by itself at the call's end). The
2G SIM800/SIM900 have no PCM over USB (their voice is analog pins): no audio path.
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
class PcmPath:
    """How a module carries a call's voice as PCM on its audio serial port."""

    enable: str  # sent once the call is up
    disable: str  # sent at hangup ("" when the module stops by itself)
    frame_bytes: int = 320  # what the module reads and writes at a time (20 ms at 8 kHz)
    port: str = ""  # which of the module's ttys carries it (for people)


@dataclass(frozen=True)
class Vendor:
    """One maker's modules: how to recognise them and how they differ."""

    name: str
    models: tuple[str, ...]  # substrings of the AT+CGMM answer
    init: tuple[str, ...]
    urcs: tuple[tuple[str, str], ...]
    audio_path: str  # how the voice reaches the box (described, for health and people)
    pcm: PcmPath | None  # None: no PCM path on any of its modules
    no_pcm_models: tuple[str, ...] = ()  # models (AT+CGMM substrings) without it
    audio_format: AudioFormat = PCM16_8K
    hangup: str = "AT+CHUP"

    def pcm_for(self, model: str) -> PcmPath | None:
        """Return the PCM path of this model, or None when it has none."""
        upper = model.upper()
        if any(m in upper for m in self.no_pcm_models):
            return None
        return self.pcm

    def meaning(self, line: str) -> str:
        """Return what an unsolicited line means, or "" when it is not one."""
        for prefix, meaning in self.urcs + COMMON_URCS:
            if line.startswith(prefix):
                return meaning
        return ""


SIMCOM = Vendor(
    name="simcom",
    models=("SIM800", "SIM900", "SIM7600", "SIM7000", "SIMCOM"),
    # report every call state change as a +CLCC line; report the caller's keys
    init=("AT+CLCC=1", "AT+DDET=1"),
    urcs=(
        ("+RXDTMF:", "dtmf"),  # SIM7600
        ("+DTMF:", "dtmf"),  # SIM800
        ("VOICE CALL: BEGIN", "answered"),
        ("VOICE CALL: END", "ended"),
        ("MISSED_CALL:", "ignore"),
        ("SMS Ready", "ignore"),
        ("Call Ready", "ignore"),
        ("+CPIN:", "ignore"),
    ),
    audio_path="serial-pcm: 8 kHz 16-bit mono PCM on the module's USB audio serial port",
    pcm=PcmPath("AT+CPCMREG=1", "AT+CPCMREG=0", port="USB audio (interface 4)"),
    no_pcm_models=("SIM800", "SIM900"),
)
QUECTEL = Vendor(
    name="quectel",
    models=("EC25", "EC21", "EG25", "EC20", "UC20", "QUECTEL"),
    init=("AT^DSCI=1", "AT+QTONEDET=1"),  # call state as ^DSCI lines; the caller's keys
    urcs=(
        ("^DSCI:", "call_status"),
        ("+QTONEDET:", "dtmf"),
        ("+QIND:", "ignore"),
        ("RDY", "ignore"),
        ("+CPIN:", "ignore"),
    ),
    audio_path="serial-pcm: 8 kHz 16-bit mono PCM on the module's USB NMEA port",
    pcm=PcmPath("AT+QPCMV=1,0", "AT+QPCMV=0", port="USB NMEA (interface 1)"),
)
HUAWEI = Vendor(
    name="huawei",
    models=("E153", "E1550", "E1752", "E173", "E180", "HUAWEI"),
    # AT^CVOICE? fails on a data-only firmware: the voice path is missing
    init=("AT^CVOICE?", "AT^DDTMFCFG=0,1"),
    urcs=(
        ("^DDTMF:", "dtmf"),
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
    pcm=PcmPath("AT^DDSETEX=2", "", port="diagnostics/voice"),
)
VENDORS = {v.name: v for v in (SIMCOM, QUECTEL, HUAWEI)}


def for_model(model: str) -> Vendor | None:
    """Return the vendor whose modules answer AT+CGMM with model, or None."""
    upper = model.upper()
    for vendor in VENDORS.values():
        if any(m in upper for m in vendor.models):
            return vendor
    return None
