"""Outbound routes: dial patterns, the number sent to the carrier, and the trunks to try.

A route has dial patterns in the form PBX admins know (FreePBX, Asterisk):

    9|0ZX.        dial 9 for an outside line; the 9 is taken off, 0ZX. must follow
    1[3-9]XXXXXXXXX
                  an 11-digit mobile number, sent as dialled

`X` is any digit, `Z` 1–9, `N` 2–9, `[1-5]` / `[137]` one digit of a set, `.` one or
more further characters (digits, `*`, `#`); other digits, `*`, `#` and `+` stand for
themselves.  What comes before `|` must be dialled and is removed.  The route's
`prepend` is put in front of what is sent.  Routes are tried in order of position; the
first enabled route with a matching pattern decides, and its trunks are tried in order
(the next on failure).  Unparsable patterns are refused when the route is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 40
_TOKEN = re.compile(r"\[[0-9\-]+\]|[0-9*#+XZN.]")
_CLASSES = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": "[0-9*#]+"}


class PatternError(ValueError):
    """A dial pattern that does not parse; the message says where."""


@dataclass(frozen=True)
class DialPattern:
    """One parsed dial pattern: the prefix removed and the rest that must follow."""

    text: str
    prefix: re.Pattern[str]
    rest: re.Pattern[str]

    def match(self, dialled: str) -> str | None:
        """Return what follows the prefix if dialled matches the pattern, else None."""
        for cut in range(len(dialled) + 1):
            if self.prefix.fullmatch(dialled[:cut]) and self.rest.fullmatch(dialled[cut:]):
                return dialled[cut:]
        return None


@dataclass(frozen=True)
class OutboundRoute:
    """Where numbers matching the patterns go out, and as whom."""

    name: str
    patterns: tuple[DialPattern, ...]
    trunks: tuple[str, ...]  # names, tried in this order
    prepend: str = ""
    caller_id: str = ""  # presented to the carrier; empty: the extension's own, else none
    position: int = 1


@dataclass(frozen=True)
class RouteChoice:
    """The route a dialled number takes and the number sent on it."""

    route: OutboundRoute
    number: str


def parse_pattern(text: str) -> DialPattern:
    """Return a parsed dial pattern, or raise PatternError saying what is wrong."""
    text = text.strip()
    if not text:
        raise PatternError("a dial pattern is empty")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"{text!r}: at most {MAX_PATTERN_LENGTH} characters")
    if text.count("|") > 1:
        raise PatternError(f"{text!r}: at most one '|' (prefix|number)")
    prefix, _, rest = text.rpartition("|")
    if not rest:
        raise PatternError(f"{text!r}: nothing to dial after the prefix")
    return DialPattern(text, re.compile(_regex(prefix, text)), re.compile(_regex(rest, text)))


def _regex(part: str, text: str) -> str:
    """Return the regular expression of a pattern part, or raise PatternError."""
    out, at = [], 0
    while at < len(part):
        token = _TOKEN.match(part, at)
        if token is None:
            raise PatternError(
                f"{text!r}: {part[at]!r} at {at + 1} is not a digit, X, Z, N, [..] or ."
            )
        piece = token.group()
        if piece.startswith("["):
            out.append(_digit_set(piece, text))
        else:
            out.append(_CLASSES.get(piece, re.escape(piece)))
        at = token.end()
    if "." in part[:-1]:
        raise PatternError(f"{text!r}: '.' must come last")
    return "".join(out)


def _digit_set(piece: str, text: str) -> str:
    """Return the regex of [..] (digits and ranges such as 1-5), or raise PatternError."""
    body = piece[1:-1]
    if not body or body.startswith("-") or body.endswith("-"):
        raise PatternError(f"{text!r}: {piece} is not a digit set")
    for low, high in re.findall(r"(\d)-(\d)", body):
        if low > high:
            raise PatternError(f"{text!r}: {low}-{high} runs backwards")
    return piece


def choose(dialled: str, routes: list[OutboundRoute]) -> RouteChoice | None:
    """Return the first route (by position) whose pattern matches, with the number sent."""
    for route in sorted(routes, key=lambda r: r.position):
        for pattern in route.patterns:
            rest = pattern.match(dialled)
            if rest is not None:
                return RouteChoice(route, route.prepend + rest)
    return None


def route_problems(patterns: list[str], trunks: list[str], known_trunks: set[str]) -> list[str]:
    """Return why a route cannot be saved (empty if it can)."""
    problems = []
    if not patterns:
        problems.append("a route needs at least one dial pattern")
    for text in patterns:
        try:
            parse_pattern(text)
        except PatternError as exc:
            problems.append(str(exc))
    if not trunks:
        problems.append("a route needs at least one trunk")
    problems += [f"no trunk named {name!r}" for name in trunks if name not in known_trunks]
    if len(set(trunks)) != len(trunks):
        problems.append("a trunk is listed twice")
    return problems
