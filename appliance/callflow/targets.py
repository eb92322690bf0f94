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


CALL_TARGET_KINDS = ("agent", "queue", "ivr", "external")


def call_target(text: str) -> tuple[str, str]:
    """Return (kind, name) of where an agent sends a call: agent, queue, IVR node or number.

    ``agent:1002``, ``queue:sales``, ``ivr:menu``, ``external:13800138000``; a bare
    extension or number means ``agent:``.  Raise KeyError saying what is wrong.
    """
    kind, sep, name = text.strip().partition(":")
    if not sep:
        kind, name = "agent", kind
    if kind not in CALL_TARGET_KINDS or not name:
        raise KeyError(f"target {text!r} must be one of {', '.join(CALL_TARGET_KINDS)}:<name>")
    if kind == "external" and not name.lstrip("+").isdigit():
        raise KeyError(f"external number {name!r} must be digits (with an optional +)")
    return kind, name
