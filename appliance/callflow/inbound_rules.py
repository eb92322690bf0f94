"""Inbound routes by caller ID and time: which target a call to a number goes to.

An inbound number has a default target and, optionally, rules tried in order before
it, one per line, written as the admin types them:

    from 0755* to queue shenzhen
    from 13800138000 to agent 1001
    closed office to ivr after-hours
    from +86138* open office to group 600

- ``from PATTERN`` — the calling number: a whole number, a prefix ending in ``*`` or
  ``anonymous`` (the blacklist's patterns, `blacklist.py`); left out: any caller;
- ``open NAME`` / ``closed NAME`` — the business-hours schedule NAME is open (closed,
  holidays included) at the call's time; left out: any time;
- ``to TYPE TARGET`` — where the call goes: ``ivr``, ``queue``, ``agent``, ``group`` or
  ``voicemail`` and the flow's name, the queue's name, the extension, the group's
  number or the voicemail box's name.

The first rule whose conditions all hold wins; none: the number's own target.  Lines
starting with ``#`` and blank lines are comments.  `parse` reports every bad line by
number, so the admin form refuses a rule set before it is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from appliance.callflow.blacklist import clean, matching_entry, valid_entry

TARGET_TYPES = ("ivr", "queue", "agent", "group", "voicemail")
OPEN, CLOSED = "open", "closed"


class RuleError(ValueError):
    """A rule line that does not parse: its line number, what is wrong, and a code the
    web translates (caller, unexpected, shape, type, condition)."""

    def __init__(self, line: int, text: str, code: str, problem: str) -> None:
        super().__init__(f"line {line}: {problem}: {text!r}")
        self.line, self.text, self.code, self.problem = line, text, code, problem


@dataclass(frozen=True)
class InboundRule:
    """One rule: conditions on the caller and the time, and the target when they hold."""

    line: int  # its line in the admin's text (shown in events)
    caller: str  # "" for any caller
    hours: str  # schedule name, "" for any time
    when: str  # OPEN | CLOSED (with hours)
    target_type: str
    target: str

    def matches(self, caller: str, is_open: Callable[[str], bool | None]) -> bool:
        """Return true if this rule takes a call from caller (is_open: schedule → open?)."""
        if self.caller and matching_entry(caller or "anonymous", [self.caller]) is None:
            return False
        if self.hours:
            state = is_open(self.hours)
            if state is None:  # the schedule went away since the rule was saved
                return False
            return state == (self.when == OPEN)
        return True


def parse(text: str) -> list[InboundRule]:
    """Return the rules in text, or raise RuleError for the first bad line."""
    rules, errors = parse_all(text)
    if errors:
        raise errors[0]
    return rules


def parse_all(text: str) -> tuple[list[InboundRule], list[RuleError]]:
    """Return the good rules and an error for every bad line."""
    rules: list[InboundRule] = []
    errors: list[RuleError] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            rules.append(_rule(number, line))
        except RuleError as exc:
            errors.append(exc)
    return rules, errors


def _rule(n: int, line: str) -> InboundRule:
    """Parse one non-empty line."""
    words = line.split()
    caller = hours = when = ""
    while words and words[0].lower() != "to":
        word = words.pop(0).lower()
        if word == "from" and words and not caller:
            caller = clean(words.pop(0))
            if not valid_entry(caller):
                raise RuleError(n, line, "caller", "the caller must be a number, a prefix "
                                         "ending in * or anonymous")  # fmt: skip
        elif word in (OPEN, CLOSED) and words and not hours:
            when, hours = word, words.pop(0)
        else:
            raise RuleError(n, line, "unexpected", f"unexpected {word!r} (from, open, closed, to)")
    if len(words) != 3:
        raise RuleError(n, line, "shape", "end with: to TYPE TARGET")
    _, kind, target = words
    if kind.lower() not in TARGET_TYPES:
        raise RuleError(
            n, line, "type", f"the target type must be one of {', '.join(TARGET_TYPES)}"
        )
    if not caller and not hours:
        raise RuleError(
            n, line, "condition", "a rule needs a caller (from …) or hours (open/closed …)"
        )
    return InboundRule(n, caller, hours, when, kind.lower(), target)


def first_match(
    rules: list[InboundRule], caller: str, is_open: Callable[[str], bool | None]
) -> InboundRule | None:
    """Return the first rule that takes a call from caller now, or None."""
    return next((rule for rule in rules if rule.matches(caller, is_open)), None)
