"""The audio that shows a caller ID on an analog phone (an FXS port's phone).

FSK (Bell 202 or V.23) carries an MDMF message, sent between the first and second
ring; DTMF (`A<number>C`) is sent before the first ring. Both at -13 dBFS.
"""

from __future__ import annotations

from appliance.boards.callerid import dtmf_cid, fsk, messages
from appliance.boards.callerid.messages import CallerId
from appliance.boards.dsp import dtmf
from appliance.boards.dsp.pcm import silence, to_pcm

SENDINGS = ("bell", "v23", "dtmf", "off")
LEVEL_DBFS = -13.0


def caller_id_audio(cid: CallerId, signalling: str, when: str = "") -> bytes:
    """Return the 16-bit PCM that sends cid (b"" for off); `when` is MMDDHHMM or ""."""
    if signalling not in SENDINGS:
        raise ValueError(f"caller ID signalling must be one of {', '.join(SENDINGS)}")
    if signalling == "off":
        return b""
    if signalling == "dtmf":
        keys = dtmf_cid.encode(cid) if not cid.number or cid.number.isdigit() else "B00C"
        return to_pcm(dtmf.generate(keys, 0.06, 0.06, LEVEL_DBFS) + silence(0.2))
    stamped = CallerId(cid.number, cid.name, when or cid.when, cid.number_absent, cid.name_absent)
    message = messages.encode_mdmf(stamped)
    return to_pcm(silence(0.1) + fsk.modulate(message, fsk.MODEMS[signalling], LEVEL_DBFS))
