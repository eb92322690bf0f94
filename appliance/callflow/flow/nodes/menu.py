"""Offer choices by DTMF: a prompt, a digit per branch, retries, a repeat key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, positive_seconds, required, whole_number
from appliance.callflow.flow.instructions import Instruction, Play

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

DTMF = set("0123456789*#")


class MenuNode(NodeType):
    """Fields: ``prompt``, ``choices`` {digit: node}, ``timeout`` s (5), ``retries`` (3),
    ``invalid_prompt`` (optional), ``repeat_key`` (optional: replays the menu without
    counting a try), ``failed`` (node when retries run out; default the hangup node).

    A digit pressed before the menu (during a greeting) is taken as the choice:
    callers who know the menu type ahead.
    """

    name = "menu"
    waits_for_input = True
    may_fail = True

    def validate(self, node: Node) -> list[str]:
        """Check the prompt, choices, timeout, retries and repeat key."""
        errors = required(node, "prompt") + positive_seconds(node, "timeout")
        errors += whole_number(node, "retries", low=1)
        choices = node.get("choices")
        if not isinstance(choices, dict) or not choices:
            return [*errors, "'choices' must map digits to nodes"]
        errors += [f"choice {key!r} is not a DTMF key" for key in choices if key not in DTMF]
        repeat = node.get("repeat_key")
        if repeat is not None and (repeat not in DTMF or repeat in choices):
            errors.append("'repeat_key' must be a DTMF key that is not a choice")
        return errors

    def targets(self, node: Node) -> list[str]:
        """Return every choice's node and the failed branch."""
        choices = node.get("choices")
        found = [str(t) for t in choices.values()] if isinstance(choices, dict) else []
        return found + ([str(node["failed"])] if node.get("failed") else [])

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Take a digit typed ahead, or play the menu."""
        if run.typeahead:
            return self._choose(run, node, run.typeahead.pop(0))
        return _menu_prompt(run, node)

    def on_played(self, run: FlowRun, node: Node) -> Instruction:
        """Replay the menu after the invalid prompt; count a try after silence."""
        if run.in_invalid:
            run.in_invalid = False
            return _menu_prompt(run, node)
        return _retry(run, node) or _menu_prompt(run, node)

    def on_digit(self, run: FlowRun, node: Node, digit: str) -> Instruction:
        """Follow the chosen branch."""
        return self._choose(run, node, digit)

    def _choose(self, run: FlowRun, node: Node, digit: str) -> Instruction:
        """Return where a digit pressed in the menu leads."""
        run.digits.append(digit)
        if digit == node.get("repeat_key"):
            run.in_invalid = False
            return _menu_prompt(run, node)
        target = node.get("choices", {}).get(digit)
        if target:
            return run.enter(str(target))
        left = _retry(run, node)
        if left is not None:
            return left
        if node.get("invalid_prompt"):
            run.in_invalid = True
            return Play(str(node["invalid_prompt"]), run.language, True)
        return _menu_prompt(run, node)


def _menu_prompt(run: FlowRun, node: Node) -> Play:
    """Return the menu's prompt, cut short by a digit, then a wait for one."""
    return run.play(str(node["prompt"]), float(node.get("timeout", 5)))


def _retry(run: FlowRun, node: Node) -> Instruction | None:
    """Count a failed try; leave by the failed branch when they ran out, else None."""
    run.tries += 1
    if run.tries >= int(node.get("retries", 3)):
        return run.fail(node)
    return None
