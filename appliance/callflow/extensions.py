"""Calls to an extension: ring it, or forward the call (always, busy, no answer), and loops.

A direct call (a phone dialling a colleague) reaches its extension through steps
decided here: forward at once (always), refuse or forward on busy (in a call, or
DND), forward or refuse when the phone is not registered, else ring it — for the
no-answer forward's ring seconds when one is set.  A forward target is another
extension (whose own forwarding then applies) or an outside number (a call out).

Loops: a chain of forwards that comes back (A→B→A, or longer) is refused when it is
saved (`forward_loop`), and stopped at call time (`stop_reason`): an extension is
never rung twice in one call and a call follows at most `HOP_LIMIT` forwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HOP_LIMIT = 5  # forwards one call follows at most
UNANSWERED_SECONDS = 60  # how long an extension without a no-answer forward rings
DEFAULT_RING_SECONDS = 20
BUSY_CODES = (486, 600, 603)  # the phone itself says busy / declined


@dataclass(frozen=True)
class Forwarding:
    """Where an extension's direct calls go instead of, or after, ringing it."""

    always: str = ""
    busy: str = ""  # also when the extension is in DND
    no_answer: str = ""  # also when its phone is not registered
    ring_seconds: int = DEFAULT_RING_SECONDS  # before the no-answer forward

    def targets(self) -> list[str]:
        """Return every number the extension forwards to, once each."""
        found = [t for t in (self.always, self.busy, self.no_answer) if t]
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Callee:
    """An extension's situation when a direct call reaches it."""

    extension: str
    registered: bool
    busy: bool  # in a call already (queue call, own call, ringing)
    dnd: bool
    forwarding: Forwarding = Forwarding()


@dataclass(frozen=True)
class Step:
    """What to do with a direct call: ring, forward or refuse."""

    action: str  # ring | forward | refuse
    target: str = ""  # forward: the number
    reason: str = ""  # always | busy | dnd | unavailable | no_answer
    code: int = 0  # refuse: the SIP code the caller gets
    seconds: int = 0  # ring: for how long


def first_step(callee: Callee) -> Step:
    """Return what a direct call to callee does first."""
    forward = callee.forwarding
    if forward.always:
        return Step("forward", forward.always, "always")
    if callee.busy or callee.dnd:
        return _busy(forward, "dnd" if callee.dnd else "busy")
    if not callee.registered:
        return _no_answer(forward, "unavailable")
    seconds = forward.ring_seconds if forward.no_answer else UNANSWERED_SECONDS
    return Step("ring", seconds=seconds)


def after_ring(forward: Forwarding, code: int) -> Step:
    """Return what a call does when the extension's phone rang out or refused with code."""
    if code in BUSY_CODES:
        return _busy(forward, "busy")
    return _no_answer(forward, "no_answer")


def _busy(forward: Forwarding, reason: str) -> Step:
    """Return the busy forward, or a busy refusal."""
    return (
        Step("forward", forward.busy, reason) if forward.busy else Step("refuse", "", reason, 486)
    )


def _no_answer(forward: Forwarding, reason: str) -> Step:
    """Return the no-answer forward, or a refusal (480: nobody there)."""
    if forward.no_answer:
        return Step("forward", forward.no_answer, reason)
    return Step("refuse", "", reason, 480)


def stop_reason(chain: list[str], target: str) -> str:
    """Return why a call that went through chain must not go on to target ("" if it may)."""
    if target in chain:
        return "loop"
    if len(chain) > HOP_LIMIT:
        return "hop limit"
    return ""


def forward_loop(forwards: Mapping[str, Forwarding], start: str) -> list[str] | None:
    """Return a chain of forwards from start that comes back on itself, or None.

    forwards has every extension's forwarding; a target that is not a key is an
    outside number and ends the chain.
    """
    return _walk(forwards, [start])


def _walk(forwards: Mapping[str, Forwarding], chain: list[str]) -> list[str] | None:
    """Follow every forward of the chain's last extension (depth first)."""
    here = forwards.get(chain[-1])
    for target in here.targets() if here else []:
        if target in chain:
            return [*chain, target]
        if target in forwards:
            found = _walk(forwards, [*chain, target])
            if found:
                return found
    return None
