"""Read AT result lines: final results, and the fields of the answers the driver uses.

Every reader raises `ParseError` (with the line) on a malformed or truncated answer;
none of them guesses.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

FINAL_OK = ("OK",)
FINAL_ERROR = ("ERROR", "+CME ERROR:", "+CMS ERROR:")
CALL_RESULTS = ("NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE")
REGISTERED = {1: "home", 5: "roaming"}
CME_SIM_MISSING = {"10", "SIM NOT INSERTED"}


class ParseError(ValueError):
    """An answer did not have the shape its command gives."""


@dataclass(frozen=True)
class Signal:
    """A +CSQ answer: the raw RSSI (0-31, 99 unknown) and its dBm."""

    rssi: int
    dbm: int | None


def is_final(line: str, extra: tuple[str, ...] = ()) -> bool:
    """Return true if line ends a command's answer."""
    return line in FINAL_OK or line.startswith(FINAL_ERROR) or line in extra


def fields(line: str, prefix: str) -> list[str]:
    """Return the comma-separated fields after prefix (quotes removed)."""
    if not line.startswith(prefix):
        raise ParseError(f"expected {prefix!r}, got {line!r}")
    rest = line[len(prefix) :].strip()
    if not rest:
        raise ParseError(f"{prefix} has no fields: {line!r}")
    try:
        return [f.strip() for f in next(csv.reader([rest], skipinitialspace=True))]
    except csv.Error as error:
        raise ParseError(f"unreadable {prefix} line {line!r}: {error}") from None


def _int(value: str, line: str) -> int:
    """Return value as an int, or raise ParseError naming the line."""
    if not re.fullmatch(r"-?\d+", value):
        raise ParseError(f"expected a number, got {value!r} in {line!r}")
    return int(value)


def signal(line: str) -> Signal:
    """Read `+CSQ: <rssi>,<ber>` (or Huawei's `^RSSI: <rssi>`)."""
    prefix = "^RSSI:" if line.startswith("^RSSI:") else "+CSQ:"
    parts = fields(line, prefix)
    if prefix == "+CSQ:" and len(parts) != 2:
        raise ParseError(f"+CSQ has two fields, got {line!r}")
    rssi = _int(parts[0], line)
    if not (0 <= rssi <= 31 or rssi == 99):
        raise ParseError(f"RSSI {rssi} out of range in {line!r}")
    return Signal(rssi, None if rssi == 99 else -113 + 2 * rssi)


def registration(line: str) -> int:
    """Read `+CREG: <n>,<stat>[,...]` and return stat (1 home, 5 roaming registered)."""
    parts = fields(line, "+CREG:")
    if len(parts) < 2:
        raise ParseError(f"+CREG answer has no status: {line!r}")
    return _int(parts[1], line)


def sim_state(line: str) -> str:
    """Read `+CPIN: <code>` (READY, SIM PIN, SIM PUK…) or a +CME ERROR about the SIM."""
    if line.startswith("+CME ERROR:"):
        code = line.split(":", 1)[1].strip().upper()
        return "missing" if code in CME_SIM_MISSING else f"error {code}"
    state = fields(line, "+CPIN:")[0].upper()
    return "ready" if state == "READY" else state.lower()


def caller_id(line: str) -> tuple[str, str]:
    """Read `+CLIP: "<number>",<type>[,<subaddr>,<satype>,<alpha>,<validity>]`."""
    parts = fields(line, "+CLIP:")
    if len(parts) < 2:
        raise ParseError(f"+CLIP has a number and a type, got {line!r}")
    _int(parts[1], line)
    name = parts[4] if len(parts) > 4 else ""
    return parts[0], name


def call_status(line: str) -> int:
    """Read the call state from `+CLCC:` or `^DSCI:` (<id>,<dir>,<stat>,...)."""
    prefix = "^DSCI:" if line.startswith("^DSCI:") else "+CLCC:"
    parts = fields(line, prefix)
    if len(parts) < 3:
        raise ParseError(f"{prefix} has id, direction and state, got {line!r}")
    return _int(parts[2], line)


def new_sms(line: str) -> int:
    """Read `+CMTI: "<mem>",<index>` and return the index."""
    parts = fields(line, "+CMTI:")
    if len(parts) != 2:
        raise ParseError(f"+CMTI has a store and an index, got {line!r}")
    return _int(parts[1], line)


def sms_header(line: str) -> tuple[str, str]:
    """Read `+CMGR: "<stat>","<sender>",[<alpha>],"<timestamp>"`; return (sender, timestamp)."""
    parts = fields(line, "+CMGR:")
    if len(parts) < 4:
        raise ParseError(f"+CMGR has state, sender, name and time, got {line!r}")
    return parts[1], parts[3]


DTMF_KEYS = "0123456789*#ABCD"
DTMF_PREFIXES = ("+RXDTMF:", "+DTMF:", "^DDTMF:", "+QTONEDET:")


def dtmf(line: str) -> str:
    """Read a key the far end pressed: `+RXDTMF: 5`, `+DTMF: 5[,<ms>]`, `^DDTMF: 5`, or
    Quectel's `+QTONEDET: 53` (the key's ASCII code)."""
    prefix = next((p for p in DTMF_PREFIXES if line.startswith(p)), "")
    if not prefix:
        raise ParseError(f"not a DTMF line: {line!r}")
    key = fields(line, prefix)[0].upper()
    if prefix == "+QTONEDET:":
        code = _int(key, line)
        key = chr(code) if 32 < code < 127 else ""
    if len(key) != 1 or key not in DTMF_KEYS:
        raise ParseError(f"no DTMF key in {line!r}")
    return key
