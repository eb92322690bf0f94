"""Caller ID sent as DTMF (China, Taiwan, India, Denmark, the Netherlands, Brazil…).

The number is framed by a start key and an end key: `A<number>C` or `D<number>C`
(some exchanges end with `#`). A number that cannot be given is `B<code>C`: `B00C`
unavailable, `B10C` private (ETSI EN 300 659-1 annex B, as TDK sends it). It usually
comes before the first ring, sometimes after it.
"""

from __future__ import annotations

from appliance.boards.callerid.messages import CallerId

STARTS = "AD"
ENDS = "C#"
ABSENT_START = "B"
ABSENT_CODES = {"00": "unavailable", "10": "private"}
ABSENT_KEYS = {reason: code for code, reason in ABSENT_CODES.items()}
MAX_DIGITS = 32


def encode(cid: CallerId, start: str = "A", end: str = "C") -> str:
    """Return the keys that send a caller ID (its number, or why it is absent)."""
    if start not in STARTS or end not in ENDS:
        raise ValueError(f"DTMF caller ID starts with one of {STARTS} and ends with one of {ENDS}")
    if cid.number:
        if not cid.number.isdigit() or len(cid.number) > MAX_DIGITS:
            raise ValueError(f"DTMF caller ID carries 1-{MAX_DIGITS} digits, not {cid.number!r}")
        return f"{start}{cid.number}{end}"
    return f"{ABSENT_START}{ABSENT_KEYS[cid.number_absent or 'unavailable']}C"


class DtmfCallerId:
    """A caller ID out of keys as they are detected, one at a time."""

    def __init__(self) -> None:
        """Wait for a start key."""
        self._open = ""  # the start key seen, "" while waiting for one
        self._digits = ""

    def key(self, key: str) -> CallerId | None:
        """Take one detected key; return the caller ID it completes."""
        if key in STARTS or key == ABSENT_START:
            self._open, self._digits = key, ""
            return None
        if not self._open:
            return None
        if key in ENDS:
            return self._close()
        if not key.isdigit() or len(self._digits) >= MAX_DIGITS:
            self._open = ""  # not a caller ID after all
            return None
        self._digits += key
        return None

    def _close(self) -> CallerId | None:
        """The end key: return what the keys said (None for an empty or unknown one)."""
        opened, digits = self._open, self._digits
        self._open, self._digits = "", ""
        if opened == ABSENT_START:
            reason = ABSENT_CODES.get(digits)
            return CallerId(number_absent=reason, signalling="dtmf") if reason else None
        return CallerId(number=digits, signalling="dtmf") if digits else None
