"""Ask the caller to rate the call (a key per score), maybe record a comment, thank them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.callflow.flow.base import Node, NodeType, positive_seconds, required, whole_number
from appliance.callflow.flow.instructions import Hangup, Instruction, Play, Record
from appliance.callflow.flow.results import SurveyAnswer

if TYPE_CHECKING:
    from appliance.callflow.flow.run import FlowRun

DIGITS = set("0123456789")
RATING, COMMENT_PROMPT, COMMENT, THANKS = "rating", "comment-prompt", "comment", "thanks"


class SurveyNode(NodeType):
    """Fields: ``prompt`` ("rate us 1 to 5"), ``keys`` (the digits that are scores,
    "12345"), ``timeout`` s (5), ``retries`` (3), ``invalid_prompt`` (optional),
    ``comment_prompt`` (optional: record a voice comment after the rating, ended by
    ``#``, ``comment_silence`` s of silence (3) or ``comment_seconds`` (30)),
    ``thanks`` (optional), ``next`` (optional; default: hang up).

    A key is its own score ("4" → 4).  Another key plays ``invalid_prompt`` and counts
    a try, so does silence; when the tries run out the answer is kept with no score
    and the caller is thanked all the same.  The answer goes into ``run.answers`` as
    soon as it is known, so a caller who hangs up during the comment loses nothing.
    A queue node's ``survey`` field sends callers here when the agent hangs up first.
    """

    name = "survey"
    waits_for_input = True

    def validate(self, node: Node) -> list[str]:
        """Check the prompt, keys, timeout, retries and comment limits."""
        errors = required(node, "prompt") + positive_seconds(node, "timeout")
        errors += whole_number(node, "retries", low=1)
        errors += positive_seconds(node, "comment_seconds")
        errors += positive_seconds(node, "comment_silence")
        keys = node.get("keys", "12345")
        if not isinstance(keys, str) or not keys or not set(keys) <= DIGITS:
            errors.append("'keys' must be digits, each a score (e.g. '12345')")
        elif len(set(keys)) != len(keys):
            errors.append("'keys' names a digit twice")
        return errors

    def prompts(self, node: Node) -> list[str]:
        """Return the rating, invalid, comment and thanks prompts."""
        names = ("prompt", "invalid_prompt", "comment_prompt", "thanks")
        return [str(node[key]) for key in names if node.get(key)]

    def enter(self, run: FlowRun, node: Node) -> Instruction:
        """Take a key typed ahead, or ask for the rating."""
        run.stage = RATING
        if run.typeahead:
            return _key(run, node, run.typeahead.pop(0))
        return _ask(run, node)

    def on_digit(self, run: FlowRun, node: Node, digit: str) -> Instruction | None:
        """Take a score while rating; ignore keys later (the engine ends a comment on #)."""
        return _key(run, node, digit) if run.stage == RATING else None

    def on_played(self, run: FlowRun, node: Node) -> Instruction:
        """Go on from whichever prompt ended: silence while rating is a try."""
        if run.stage == COMMENT_PROMPT:
            run.stage = COMMENT
            limit, silence = node.get("comment_seconds", 30), node.get("comment_silence", 3)
            return Record(run.node_id, float(limit), float(silence))
        if run.stage == THANKS:
            return _leave(run, node)
        if run.in_invalid:
            run.in_invalid = False
            return _ask(run, node)
        return _wrong(run, node, silent=True)

    def on_recorded(self, run: FlowRun, node: Node) -> Instruction:
        """Thank the caller once their comment is recorded."""
        return _thank(run, node)


def _key(run: FlowRun, node: Node, digit: str) -> Instruction:
    """Return where a key pressed while rating leads: a score, or a wrong key."""
    run.digits.append(digit)
    if digit in str(node.get("keys", "12345")):
        return _rated(run, node, int(digit))
    return _wrong(run, node)


def _ask(run: FlowRun, node: Node) -> Play:
    """Return the rating prompt, cut short by a key, then the wait for one."""
    return run.play(str(node["prompt"]), float(node.get("timeout", 5)))


def _wrong(run: FlowRun, node: Node, silent: bool = False) -> Instruction:
    """Count a try (a wrong key or silence); give up with no score when they ran out."""
    run.tries += 1
    if run.tries >= int(node.get("retries", 3)):
        run.answers.append(SurveyAnswer(run.node_id, None))
        return _thank(run, node)
    if node.get("invalid_prompt") and not silent:
        run.in_invalid = True
        return Play(str(node["invalid_prompt"]), run.language, True)
    return _ask(run, node)


def _rated(run: FlowRun, node: Node, score: int) -> Instruction:
    """Keep the score; ask for a comment if the node wants one, else thank the caller."""
    run.answers.append(SurveyAnswer(run.node_id, score))
    if node.get("comment_prompt"):
        run.stage = COMMENT_PROMPT
        return run.play(str(node["comment_prompt"]))
    return _thank(run, node)


def _thank(run: FlowRun, node: Node) -> Instruction:
    """Play the thanks prompt, or leave at once without one."""
    run.stage = THANKS
    return run.play(str(node["thanks"])) if node.get("thanks") else _leave(run, node)


def _leave(run: FlowRun, node: Node) -> Instruction:
    """Go to ``next``, or end the call."""
    return run.enter(str(node["next"])) if node.get("next") else Hangup("survey done")
