"""Caller ID messages: the data link layer of Bell GR-30 / ETSI EN 300 659-3.

SDMF (single data message, type 0x04): MMDDHHMM then the number, or "P" (private) /
"O" (unavailable). MDMF (multiple data message, type 0x80): parameters, each type,
length, value — 0x01 date and time (MMDDHHMM), 0x02 number, 0x04 why the number is
absent, 0x07 name, 0x08 why the name is absent. Both are type, length, body and a
checksum byte that makes the sum of all bytes 0 modulo 256: a message whose checksum
or layout is wrong is no caller ID at all (`decode` returns None), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

SDMF = 0x04
MDMF = 0x80
P_DATETIME, P_NUMBER, P_NUMBER_ABSENT, P_NAME, P_NAME_ABSENT = 0x01, 0x02, 0x04, 0x07, 0x08
ABSENT_CODES = {"P": "private", "O": "unavailable"}
ABSENT_REASONS = {reason: code for code, reason in ABSENT_CODES.items()}
MAX_FIELD = 80


@dataclass(frozen=True)
class CallerId:
    """Who calls: number and name, or why each is absent; the exchange's date and time."""

    number: str = ""
    name: str = ""
    when: str = ""  # MMDDHHMM as the exchange sent it
    number_absent: str = ""  # "", "private" or "unavailable"
    name_absent: str = ""
    signalling: str = ""  # how it came: bell, v23, fsk (either), dtmf

    def as_event(self) -> dict[str, str]:
        """Return the `caller_id` event's data."""
        data = {"number": self.number, "name": self.name}
        for key in ("when", "number_absent", "name_absent", "signalling"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


def checksum(body: bytes) -> int:
    """Return the byte that makes the sum of body and itself 0 modulo 256."""
    return -sum(body) & 0xFF


def encode_mdmf(cid: CallerId) -> bytes:
    """Return the MDMF message for a caller ID (ValueError on a field too long)."""
    params = b""
    if cid.when:
        params += _param(P_DATETIME, cid.when)
    if cid.number:
        params += _param(P_NUMBER, cid.number)
    else:
        params += _param(P_NUMBER_ABSENT, ABSENT_REASONS[cid.number_absent or "unavailable"])
    if cid.name:
        params += _param(P_NAME, cid.name)
    elif cid.name_absent:
        params += _param(P_NAME_ABSENT, ABSENT_REASONS[cid.name_absent])
    return _frame(MDMF, params)


def encode_sdmf(cid: CallerId) -> bytes:
    """Return the SDMF message (number only) for a caller ID."""
    when = cid.when or "01010000"
    number = cid.number or ABSENT_REASONS[cid.number_absent or "unavailable"]
    return _frame(SDMF, _ascii(when + number))


def _param(kind: int, text: str) -> bytes:
    """Return one MDMF parameter."""
    value = _ascii(text)
    if not value or len(value) > MAX_FIELD:
        raise ValueError(f"caller ID field {text!r}: 1 to {MAX_FIELD} characters")
    return bytes((kind, len(value))) + value


def _ascii(text: str) -> bytes:
    """Return text as the line carries it (Latin-1; others become '?')."""
    return text.encode("latin-1", errors="replace")


def _frame(kind: int, body: bytes) -> bytes:
    """Return type, length, body and checksum."""
    if len(body) > 255:
        raise ValueError("a caller ID message body is at most 255 bytes")
    head = bytes((kind, len(body))) + body
    return head + bytes((checksum(head),))


def message_length(data: bytes) -> int:
    """Return how many bytes the message starting data needs (0: not known yet)."""
    return data[1] + 3 if len(data) >= 2 else 0


def decode(data: bytes, signalling: str = "") -> CallerId | None:
    """Return the caller ID of one whole message, or None if it is not a valid one."""
    if len(data) < 3 or data[0] not in (SDMF, MDMF) or len(data) != data[1] + 3:
        return None
    if sum(data) & 0xFF:
        return None
    body = data[2:-1]
    if data[0] == SDMF:
        return _sdmf(body, signalling)
    return _mdmf(body, signalling)


def _text(value: bytes) -> str:
    """Return a field's text, or "" when it holds control characters."""
    text = value.decode("latin-1")
    return text if text.isprintable() else ""


def _sdmf(body: bytes, signalling: str) -> CallerId | None:
    """Return the caller ID of an SDMF body."""
    if len(body) < 9 or not body[:8].isdigit():
        return None
    when, number = _text(body[:8]), _text(body[8:])
    if number in ABSENT_CODES:
        return CallerId(when=when, number_absent=ABSENT_CODES[number], signalling=signalling)
    return CallerId(number=number, when=when, signalling=signalling) if number else None


def _mdmf(body: bytes, signalling: str) -> CallerId | None:
    """Return the caller ID of an MDMF body (unknown parameters are skipped)."""
    fields: dict[int, str] = {}
    at = 0
    while at < len(body):
        if at + 2 > len(body) or at + 2 + body[at + 1] > len(body):
            return None
        kind, size = body[at], body[at + 1]
        fields[kind] = _text(body[at + 2 : at + 2 + size])
        at += 2 + size
    number, name = fields.get(P_NUMBER, ""), fields.get(P_NAME, "")
    cid = CallerId(
        number=number,
        name=name,
        when=fields.get(P_DATETIME, ""),
        number_absent="" if number else ABSENT_CODES.get(fields.get(P_NUMBER_ABSENT, ""), ""),
        name_absent="" if name else ABSENT_CODES.get(fields.get(P_NAME_ABSENT, ""), ""),
        signalling=signalling,
    )
    return cid if cid.number or cid.number_absent or cid.name else None
