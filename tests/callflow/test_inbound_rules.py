"""Inbound routes by caller ID and time: parsing with line numbers, and which rule wins."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from appliance.callflow.hours_schema import parse_schedule
from appliance.callflow.inbound_rules import RuleError, parse, parse_all
from appliance.engine.directory import Directory, Route

RULES = """
# Shenzhen callers to their own queue; the night line after hours
from 0755* to queue shenzhen
from anonymous to ivr screening
closed office to ivr night
from 13800138000 open office to agent 1001
"""
OFFICE = {"name": "office", "timezone": "Asia/Shanghai",
          "weekly": {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}  # fmt: skip
SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI).timestamp()
WEDNESDAY_NIGHT = datetime(2026, 12, 2, 22, 0, tzinfo=SHANGHAI).timestamp()


def test_rules_parse_with_their_line_numbers() -> None:
    rules = parse(RULES)
    assert [(r.line, r.caller, r.hours, r.when, r.target_type, r.target) for r in rules] == [
        (3, "0755*", "", "", "queue", "shenzhen"),
        (4, "anonymous", "", "", "ivr", "screening"),
        (5, "", "office", "closed", "ivr", "night"),
        (6, "13800138000", "office", "open", "agent", "1001"),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("from abc to queue x", "caller"),
        ("from 0755* to queue", "shape"),
        ("from 0755* to fax x", "type"),
        ("to queue x", "condition"),
        ("sometimes to queue x", "unexpected"),
        ("from 1 from 2 to queue x", "unexpected"),
    ],
)
def test_a_bad_line_is_refused_with_its_number(line: str, code: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse(f"from 0755* to queue a\n\n{line}")
    assert (refused.value.line, refused.value.code) == (3, code)


def test_every_bad_line_is_reported_and_the_good_ones_kept() -> None:
    rules, errors = parse_all("from x to queue a\nfrom 1* to queue b\nto queue c")
    assert [r.target for r in rules] == ["b"] and [e.line for e in errors] == [1, 3]


def directory() -> Directory:
    """Return a directory with number 100 (an IVR) carrying RULES."""
    graph = {"start": "n1", "nodes": {}}
    route = Route("100", "ivr", "main", graph, 3, parse(RULES))
    return Directory(routes={"100": route}, schedules={"office": parse_schedule(OFFICE)},
                     flows={"main": (graph, 3), "night": ({"start": "x"}, 7)})  # fmt: skip


@pytest.mark.parametrize(
    ("caller", "at", "expected"),
    [
        ("075512345678", WEDNESDAY_NOON, ("queue", "shenzhen", 3)),
        ("075512345678", WEDNESDAY_NIGHT, ("queue", "shenzhen", 3)),  # first rule wins
        ("", WEDNESDAY_NOON, ("ivr", "screening", 4)),  # no caller ID: anonymous
        ("13800138000", WEDNESDAY_NOON, ("agent", "1001", 6)),
        ("13800138000", WEDNESDAY_NIGHT, ("ivr", "night", 5)),
        ("13900139000", WEDNESDAY_NOON, ("ivr", "main", None)),  # the number's own target
    ],
)
def test_the_first_matching_rule_decides(
    caller: str, at: float, expected: tuple[str, str, int | None]
) -> None:
    route = directory().route_for("100", caller, at)
    assert route is not None
    line = route.rule.line if route.rule else None
    assert (route.target_type, route.target, line) == expected


def test_an_ivr_rule_carries_its_flow_and_a_gone_schedule_never_matches() -> None:
    night = directory().route_for("100", "13900139000", WEDNESDAY_NIGHT)
    assert night is not None and (night.flow, night.flow_version) == ({"start": "x"}, 7)
    without = directory()
    without.schedules = {}
    route = without.route_for("100", "13900139000", WEDNESDAY_NIGHT)
    assert route is not None and route.target == "main"  # closed/open of nothing: no match
    assert directory().route_for("999", "1", WEDNESDAY_NOON) is None
