"""Dial patterns, route choice and route validation (callflow/dialplan.py)."""

from __future__ import annotations

import pytest

from appliance.callflow.dialplan import (
    OutboundRoute,
    PatternError,
    choose,
    parse_pattern,
    route_problems,
)


def route(name: str, *patterns: str, position: int = 1, prepend: str = "") -> OutboundRoute:
    """Return a route on trunk t1 with the patterns parsed."""
    parsed = tuple(parse_pattern(p) for p in patterns)
    return OutboundRoute(name, parsed, ("t1",), prepend=prepend, position=position)


@pytest.mark.parametrize(
    ("pattern", "dialled", "rest"),
    [
        ("9|0ZX.", "9075586001234", "075586001234"),
        ("9|0ZX.", "9007", None),  # 0 then Z (1-9): 00 does not match
        ("9|NXXXXXXX", "986001234", "86001234"),
        ("9|NXXXXXXX", "91600123", None),  # N is 2-9
        ("1[3-9]XXXXXXXXX", "13800138000", "13800138000"),
        ("1[3-9]XXXXXXXXX", "12800138000", None),
        ("1[3-9]XXXXXXXXX", "1380013800", None),  # one digit short
        ("00.", "0012125551234", "0012125551234"),
        ("+.", "+442071234567", "+442071234567"),
        ("11[09]", "119", "119"),
    ],
)
def test_a_pattern_matches_and_the_prefix_is_taken_off(
    pattern: str, dialled: str, rest: str | None
) -> None:
    assert parse_pattern(pattern).match(dialled) == rest


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("", "empty"),
        ("9|", "nothing to dial"),
        ("9|0A.", "'A' at 2"),
        ("1|2|3", "at most one '|'"),
        ("0.X", "'.' must come last"),
        ("[5-1]X", "runs backwards"),
        ("[]X", "'\\[' at 1"),
        ("[-5]X", "not a digit set"),
        ("X" * 41, "at most 40"),
    ],
)
def test_a_pattern_that_does_not_parse_says_why(pattern: str, error: str) -> None:
    with pytest.raises(PatternError, match=error.replace("|", r"\|").replace(".", r"\.")):
        parse_pattern(pattern)


def test_the_first_route_by_position_decides_and_prepends() -> None:
    mobiles = route("mobiles", "9|1[3-9]XXXXXXXXX", position=2, prepend="0")
    anything = route("anything", "9|.", position=3)
    choice = choose("913800138000", [anything, mobiles])
    assert choice is not None
    assert (choice.route.name, choice.number) == ("mobiles", "013800138000")
    other = choose("9123", [anything, mobiles])
    assert other is not None and (other.route.name, other.number) == ("anything", "123")
    assert choose("123", [anything, mobiles]) is None


def test_route_problems_name_every_fault() -> None:
    assert route_problems(["9|0ZX."], ["t1"], {"t1"}) == []
    problems = route_problems(["9|0Q"], [], {"t1"})
    assert any("'Q'" in p for p in problems)
    assert "a route needs at least one trunk" in problems
    assert route_problems([], ["t2", "t2"], {"t1"}) == [
        "a route needs at least one dial pattern",
        "no trunk named 't2'",
        "no trunk named 't2'",
        "a trunk is listed twice",
    ]
