"""Where a call can be sent: targets written as text in the store ("queue:sales").

- ``queue:<name>``      another queue
- ``ivr:<node>``        a node of the caller's IVR flow
- ``voicemail[:<box>]`` leave a message (box: the queue's name when left out)
- ``external:<number>`` an outside number, dialled through the trunk and bridged
- ``callback``          (exit keys only) be called back, keeping one's place in line
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from appliance.callflow.queue_options import Presence

if TYPE_CHECKING:
    from appliance.callflow.acd import QueueConfig

OVERFLOW_KINDS = ("queue", "ivr", "voicemail", "external")
EXIT_KINDS = (*OVERFLOW_KINDS, "callback")
DIALLABLE = re.compile(r"^\+?[0-9*#]{1,32}$")
KEYS = set("0123456789*#")
FORMS = "'queue:<name>', 'ivr:<node>', 'voicemail[:<box>]', 'external:<number>'"


def overflow_target(text: str) -> tuple[str, str]:
    """Return (kind, name) of an overflow setting, ("", "") when empty.

    Raise KeyError naming the setting when it is not one of the forms above.
    """
    return _parse(text, OVERFLOW_KINDS, f"overflow {text!r} must be {FORMS} or empty")


def exit_target(text: str) -> tuple[str, str]:
    """Return (kind, name) of an exit key's target (callback allowed), ("", "") when empty."""
    return _parse(text, EXIT_KINDS, f"exit_target {text!r} must be {FORMS}, 'callback' or empty")


def _parse(text: str, kinds: tuple[str, ...], message: str) -> tuple[str, str]:
    """Return (kind, name) or raise KeyError(message)."""
    if not text:
        return "", ""
    kind, _, name = text.partition(":")
    named = kind in ("queue", "ivr", "external")
    if kind not in kinds or (named and not name) or (kind == "callback" and name):
        raise KeyError(message)
    if kind == "external" and not DIALLABLE.match(name):
        raise KeyError(f"{message} ({name!r} is not a number to dial)")
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


def check_queues(queues: Iterable[QueueConfig]) -> None:
    """Raise KeyError naming the queue and setting if a queue's targets or rules are invalid."""
    queues = list(queues)
    names = {q.name for q in queues}
    for q in queues:
        b = q.behaviour
        targets = {"overflows": overflow_target(q.overflow), "exits": exit_target(b.exit_target)}
        for verb, (kind, name) in targets.items():
            if kind == "queue" and name not in names:
                raise KeyError(f"queue {q.name!r} {verb} to unknown queue {name!r}")
        if b.exit_key and (b.exit_key not in KEYS or not b.exit_target):
            raise KeyError(f"queue {q.name!r}: exit_key must be one of 0-9 * # with an exit_target")
        for rule in ("join_when", "stay_when"):
            if getattr(b, rule) not in set(Presence):
                raise KeyError(
                    f"queue {q.name!r}: {rule} must be one of {[str(p) for p in Presence]}"
                )
        if b.callback_attempts < 1 or b.callback_retry_seconds < 0:
            raise KeyError(f"queue {q.name!r}: callback_attempts ≥ 1, callback_retry_seconds ≥ 0")
