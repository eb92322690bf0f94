"""Where a call can be sent: targets written as text in the store ("queue:sales")."""

from __future__ import annotations


def overflow_target(text: str) -> tuple[str, str]:
    """Return (kind, name) of an overflow setting: ("queue", q), ("ivr", node) or ("", "").

    Raise KeyError naming the setting when it is neither.
    """
    if not text:
        return "", ""
    kind, _, name = text.partition(":")
    if kind not in ("queue", "ivr") or not name:
        raise KeyError(f"overflow {text!r} must be 'queue:<name>', 'ivr:<node>' or empty")
    return kind, name
