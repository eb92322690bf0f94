"""Voicemail PINs: 4–10 digits, kept as a salted scrypt hash (stdlib), checked in constant time.

A hash reads ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``, so its cost can be raised
later without breaking the PINs already set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

MIN_DIGITS = 4
MAX_DIGITS = 10
# About 30 ms and 16 MiB on the box: slow enough to make guessing from a stolen
# database costly, quick enough to check while a caller waits (off the engine thread).
COST_N, COST_R, COST_P = 2**14, 8, 1


class BadPin(ValueError):
    """A PIN that is not 4–10 digits."""


def check_format(pin: str) -> None:
    """Raise BadPin unless pin is 4–10 digits."""
    if not (isinstance(pin, str) and _ascii_digits(pin) and MIN_DIGITS <= len(pin) <= MAX_DIGITS):
        raise BadPin(f"a PIN is {MIN_DIGITS} to {MAX_DIGITS} digits")


def hash_pin(pin: str) -> str:
    """Return the salted hash of a PIN (raises BadPin for a malformed one)."""
    check_format(pin)
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, COST_N, COST_R, COST_P)
    return f"scrypt${COST_N}${COST_R}${COST_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Return true if pin matches the stored hash (false for no hash or a malformed one)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not _ascii_digits(pin):
            return False
        found = _scrypt(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found, bytes.fromhex(digest))


def _ascii_digits(text: str) -> bool:
    """Return true if text is made of 0-9 only (str.isdigit also takes １ and ²)."""
    return text.isascii() and text.isdigit()


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """Return scrypt(pin) with these costs."""
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


class PinGuard:
    """Wrong PINs per box, so repeated calls cannot guess one: after `limit` wrong PINs
    within `window` seconds the box refuses every PIN until the oldest of them is
    `window` old.

    Kept by the engine, the only process that checks PINs (a restart forgets it).
    """

    def __init__(self, limit: int = 10, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._wrong: dict[str, list[float]] = {}  # box -> times of recent wrong PINs

    def locked(self, box: str, now: float) -> bool:
        """Return true if the box refuses PINs now."""
        recent = [t for t in self._wrong.get(box, []) if now - t < self.window]
        self._wrong[box] = recent
        return len(recent) >= self.limit

    def wrong(self, box: str, now: float) -> None:
        """Count a wrong PIN for the box."""
        self._wrong.setdefault(box, []).append(now)

    def right(self, box: str) -> None:
        """Forget the box's wrong PINs: its owner got in."""
        self._wrong.pop(box, None)
