"""RFC 4733 key presses for a SIPp far end that answers the engine's offer.

SIPp's digit pcaps (`/usr/share/sip-tester/dtmf_2833_N.pcap`) send telephone-events
with payload type 101, the type SIPp offers when it calls.  When the engine calls, it
offers its own type (pjmedia's, 120) and a far end must send that one; this module
writes a copy of a digit pcap with the payload type changed (the UDP checksum is
cleared: SIPp sends the payload only).
"""

from __future__ import annotations

import struct
from pathlib import Path

PCAPS = Path("/usr/share/sip-tester")
ENGINE_EVENT_TYPE = 120  # the telephone-event payload type in the engine's SDP offer
ETHERNET, ETHERNET_HEADER = 1, 14


def retyped_digit(folder: Path, digit: str, payload_type: int = ENGINE_EVENT_TYPE) -> Path:
    """Write dtmf_<digit>_<type>.pcap in folder from SIPp's pcap of that digit; return it."""
    data = bytearray((PCAPS / f"dtmf_2833_{digit}.pcap").read_bytes())
    (linktype,) = struct.unpack_from("<I", data, 20)
    assert linktype == ETHERNET, f"unexpected pcap link type {linktype}"
    offset = 24
    while offset + 16 <= len(data):
        (length,) = struct.unpack_from("<I", data, offset + 8)
        packet = offset + 16
        ip = packet + ETHERNET_HEADER
        udp = ip + (data[ip] & 0x0F) * 4
        struct.pack_into("!H", data, udp + 6, 0)  # no UDP checksum
        rtp = udp + 8
        data[rtp + 1] = (data[rtp + 1] & 0x80) | payload_type  # keep the marker bit
        offset = packet + length
    path = folder / f"dtmf_{digit}_{payload_type}.pcap"
    path.write_bytes(bytes(data))
    return path
