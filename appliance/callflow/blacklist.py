"""The blacklist of inbound numbers: which entry, if any, a calling number matches.

An entry is a whole number (`13800138000`) or a prefix ending in `*` (`0755*`,
`+86138*`); a lone `*` would block everyone and is not an entry.  Numbers are
compared without spaces, dashes and brackets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ENTRY = re.compile(r"\+?[0-9]{1,24}\*?|anonymous")
_NOISE = re.compile(r"[\s\-().]")


def clean(number: str) -> str:
    """Return number without spaces, dashes, dots and brackets."""
    return _NOISE.sub("", number)


def valid_entry(entry: str) -> bool:
    """Return true if entry is a number, a prefix ending in * or `anonymous`."""
    return bool(ENTRY.fullmatch(clean(entry)))


def matching_entry(number: str, entries: Iterable[str]) -> str | None:
    """Return the first entry that blocks number, or None."""
    caller = clean(number)
    for entry in entries:
        wanted = clean(entry)
        if wanted.endswith("*") and caller.startswith(wanted[:-1]):
            return entry
        if caller == wanted:
            return entry
    return None
