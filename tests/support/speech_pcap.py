"""Speech as RTP for a SIPp far end: 8 kHz PCM written as a pcap of G.711 A-law packets.

SIPp's `play_pcap_audio` sends each packet's RTP (it rewrites addresses and ports)
at the pcap's own pace, so packets are stamped 20 ms apart.  Payload type 8 (PCMA)
is what `carrier_by_number.xml` answers with.
"""

from __future__ import annotations

import struct
import wave
from pathlib import Path

from appliance.boards import g711
from appliance.prompts.tts import speak

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
PCMA = 8
SSRC = 0x5EEC4


def spoken_pcap(folder: Path, name: str, text: str, before: float, after: float) -> Path:
    """Write <name>.pcap in folder: `before` s of silence, text spoken by espeak-ng, `after` s."""
    wav = speak(text, "en", folder / f"{name}.wav")
    with wave.open(str(wav)) as audio:
        pcm = audio.readframes(audio.getnframes())
    quiet = lambda seconds: bytes(2 * int(8000 * seconds))  # noqa: E731
    return write_pcap(quiet(before) + pcm + quiet(after), folder / f"{name}.pcap")


def write_pcap(pcm: bytes, path: Path) -> Path:
    """Write 8 kHz 16-bit mono PCM to path as an Ethernet pcap of PCMA RTP; return path."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    step = 2 * FRAME_SAMPLES
    for seq, start in enumerate(range(0, len(pcm) - step + 1, step)):
        payload = g711.encode(pcm[start : start + step], "alaw")
        packet = _ethernet(_ipv4(_udp(_rtp(seq, payload))))
        micros = seq * 20_000
        out += struct.pack(
            "<IIII", micros // 1_000_000, micros % 1_000_000, len(packet), len(packet)
        )
        out += packet
    path.write_bytes(bytes(out))
    return path


def _rtp(seq: int, payload: bytes) -> bytes:
    """Return an RTP packet of one 20 ms frame (marker on the first)."""
    first = 0x80 if seq == 0 else 0
    return struct.pack("!BBHII", 0x80, first | PCMA, seq, seq * FRAME_SAMPLES, SSRC) + payload


def _udp(data: bytes) -> bytes:
    """Return a UDP datagram around data (no checksum: SIPp sends the payload only)."""
    return struct.pack("!HHHH", 6000, 6000, 8 + len(data), 0) + data


def _ipv4(data: bytes) -> bytes:
    """Return an IPv4 packet from 127.0.0.1 to 127.0.0.1 around a UDP datagram."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), 0, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))  # fmt: skip
    return header + data


def _ethernet(data: bytes) -> bytes:
    """Return an Ethernet frame around an IPv4 packet."""
    return bytes(12) + b"\x08\x00" + data
