"""Golden event logs: every metric computed from hand-written events, against hand-worked figures.

Each `golden/*.yaml` holds a time zone and day, the events (``[time, call, kind,
{data}]``; call "-" marks an agent event), and under ``expect`` the figures worked out
by hand, with the arithmetic in comments.  Only the figures listed are compared.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from appliance.callflow import agent_metrics, csat, fcr, ivr_funnel, metrics
from appliance.callflow.cdr import derive_cdr, wrap_up_by_call
from appliance.reports.queries import period_label

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.yaml"))
Fixture = dict[str, Any]


def when(text: str, fixture: Fixture) -> float:
    """Return the UNIX time of a local 'HH:MM:SS[.f]' on the fixture's day, or a full date."""
    text = text if len(text) > 12 else f"{fixture['day']} {text}"
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(fixture["timezone"])).timestamp()


def events(fixture: Fixture) -> list[dict[str, Any]]:
    """Return the fixture's events as the store holds them (data *_at times in UNIX seconds)."""
    out = []
    for at, call, kind, *data in fixture["events"]:
        values = dict(data[0]) if data else {}
        for key, value in values.items():
            if key.endswith("_at") and isinstance(value, str):
                values[key] = when(value, fixture)
        call_id = "" if call == "-" else str(call)
        out.append({"call_id": call_id, "at": when(str(at), fixture), "kind": kind, "data": values})
    return out


def cdr_rows(evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the CDR of every call, with the wrap-up the agent events give it."""
    calls: dict[str, list[dict[str, Any]]] = {}
    for event in evs:
        if event["call_id"]:
            calls.setdefault(event["call_id"], []).append(event)
    wrap = wrap_up_by_call(e for e in evs if not e["call_id"])
    rows = [derive_cdr(call_id, call_events) for call_id, call_events in calls.items()]
    return [{**row, "wrap_up_seconds": wrap.get(row["call_id"], 0.0)} for row in rows]


def subset(actual: Any, expected: dict[str, Any]) -> dict[str, Any]:
    """Return the expected keys' actual values (from a dataclass or a dict)."""
    values = actual if isinstance(actual, dict) else vars(actual)
    return {key: values[key] for key in expected}


def check_queues(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare queue_stats of each queue's CDRs."""
    rows, params = cdr_rows(evs), fixture.get("params", {})
    for queue, figures in expected.items():
        threshold = params.get("thresholds", {}).get(queue, metrics.DEFAULT_THRESHOLD_SECONDS)
        mine = [r for r in rows if r["queue"] == queue]
        stats = metrics.queue_stats(mine, threshold, params.get("short_abandon", 5.0))
        assert subset(stats, figures) == figures, queue


def check_periods(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare queue_stats per calendar period (the period a call started in)."""
    zone = ZoneInfo(fixture["timezone"])
    for period, labels in expected.items():
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in cdr_rows(evs):
            groups.setdefault(period_label(row["started_at"], period, zone), []).append(row)
        assert sorted(groups) == sorted(labels), period
        for label, figures in labels.items():
            assert subset(metrics.queue_stats(groups[label]), figures) == figures, label


def check_cdrs(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare chosen fields of chosen CDRs."""
    rows = {row["call_id"]: row for row in cdr_rows(evs)}
    for call_id, fields in expected.items():
        assert subset(rows[call_id], fields) == fields, call_id


def check_fcr(fixture: Fixture, evs: list[dict[str, Any]], expected: list[Any]) -> None:
    """Compare first-call resolution over each range and now given."""
    for case in expected:
        days = float(case.get("window_days", 7))
        found = fcr.first_call_resolution(
            cdr_rows(evs),
            when(case["start"], fixture),
            when(case["end"], fixture),
            when(case["now"], fixture),
            days * 86400,
        )
        assert subset(found, case["figures"]) == case["figures"], case


def check_agents(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare each agent's figures over the fixture's range."""
    start, end = (when(t, fixture) for t in fixture["params"]["range"])
    for agent, figures in expected.items():
        found = agent_metrics.agent_figures(str(agent), evs, start, end)
        assert subset(found, figures) == figures, agent


def check_ivr(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare the funnel of each flow version ('flow/version')."""
    funnels = ivr_funnel.ivr_funnel(evs)
    assert sorted(f"{flow}/{version}" for flow, version in funnels) == sorted(expected)
    for (flow, version), funnel in funnels.items():
        want = expected[f"{flow}/{version}"]
        nodes = {name: vars(node) for name, node in funnel.nodes.items()}
        assert {"calls": funnel.calls, "nodes": nodes} == want


def check_csat(fixture: Fixture, evs: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    """Compare CSAT per agent, queue and day."""
    answers = csat.answers_from_events(evs)
    for group, keys in expected.items():
        found = csat.csat_by(answers, group, fixture["timezone"])
        assert {k: subset(v, keys[k]) for k, v in found.items()} == keys, group


CHECKS = {
    "queues": check_queues,
    "periods": check_periods,
    "cdrs": check_cdrs,
    "fcr": check_fcr,
    "agents": check_agents,
    "ivr": check_ivr,
    "csat": check_csat,
}


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_event_log(path: Path) -> None:
    fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
    evs = events(fixture)
    assert fixture["expect"], "a golden log must expect something"
    for name, expected in fixture["expect"].items():
        CHECKS[name](fixture, evs, expected)


def test_every_metric_has_a_golden_log() -> None:
    covered = set()
    for path in GOLDEN:
        covered |= set(yaml.safe_load(path.read_text(encoding="utf-8"))["expect"])
    assert covered == set(CHECKS)
