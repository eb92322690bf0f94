"""Collect digits into a variable: an account or order number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, positive_seconds, required, whole_number
from appliance.callflow.flow.instructions import Instruction, Wait

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

TERMINATORS = {"#", "*", ""}


class CollectNode(NodeType):
    """Fields: ``variable``, ``prompt``, ``min_digits`` (1), ``max_digits`` (20),
    ``terminator`` ("#"; "" for none), ``timeout`` s after the prompt (5),
    ``inter_digit`` s after each digit (3), ``retries`` (3), ``next``, ``failed``
    (default the hangup node).

    The first digit stops the prompt.  The caller's digits end at the terminator, at
    ``max_digits``, or when the caller pauses for ``inter_digit`` seconds (or never
    starts within ``timeout``); with fewer than ``min_digits`` the prompt is played
    again, and after ``retries`` tries the call leaves by ``failed``.  The digits go
    into ``run.variables[variable]``.
    """

    name = "collect"
    waits_for_input = True
    may_fail = True

    def validate(self, node: Node) -> list[str]:
        """Check the variable, prompt, lengths, terminator, timeout and retries."""
        errors = required(node, "variable", "prompt", "next")
        errors += whole_number(node, "min_digits") + whole_number(node, "max_digits", low=1)
        errors += whole_number(node, "retries", low=1) + positive_seconds(node, "timeout")
        errors += positive_seconds(node, "inter_digit")
        if not errors and _min(node) > _max(node):
            errors.append("'min_digits' is more than 'max_digits'")
        if node.get("terminator", "#") not in TERMINATORS:
            errors.append("'terminator' must be '#', '*' or ''")
        return errors

    def targets(self, node: Node) -> list[str]:
        """Return the next node and the failed branch."""
        return super().targets(node) + ([str(node["failed"])] if node.get("failed") else [])

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Take digits typed ahead; play the prompt unless they start or complete the entry."""
        answer: Instruction | None = None
        while run.typeahead:
            answer = self.on_digit(run, node, run.typeahead.pop(0))
            if not isinstance(answer, Wait):
                return answer
        return answer or _prompt(run, node)

    def on_digit(self, run: FlowRun, node: Node, digit: str) -> Instruction:
        """Add a digit; finish at the terminator or the maximum length, else wait for more."""
        if digit == node.get("terminator", "#"):
            return _finish(run, node)
        run.collected.append(digit)
        if len(run.collected) >= _max(node):
            return _finish(run, node)
        return Wait(float(node.get("inter_digit", 3)))

    def on_played(self, run: FlowRun, node: Node) -> Instruction:
        """Finish with the digits so far: the timeout ran out."""
        return _finish(run, node)


def _finish(run: FlowRun, node: Node) -> Instruction:
    """Store enough digits and go on; else retry or leave by the failed branch."""
    if len(run.collected) >= _min(node):
        run.variables[str(node["variable"])] = "".join(run.collected)
        run.digits.extend(run.collected)
        return run.enter(str(node["next"]))
    run.tries += 1
    run.collected = []
    if run.tries >= int(node.get("retries", 3)):
        return run.fail(node)
    return _prompt(run, node)


def _prompt(run: FlowRun, node: Node) -> Instruction:
    """Return the prompt followed by the wait for digits."""
    return run.play(str(node["prompt"]), float(node.get("timeout", 5)))


def _min(node: Node) -> int:
    """Return the fewest digits accepted."""
    return int(node.get("min_digits", 1))


def _max(node: Node) -> int:
    """Return the most digits accepted."""
    return int(node.get("max_digits", 20))
