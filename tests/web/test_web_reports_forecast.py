"""The staffing forecast page: agents needed per half hour beside the agents logged in."""

from __future__ import annotations

import html as markup
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers_reports import DAY, as_role, at, store_day

from appliance.store.models import CallEvent

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


def chart_of(page: str) -> dict[str, Any]:
    """Return the chart data the page hands to reports.js."""
    match = re.search(r"data-forecast='([^']*)'", page)
    assert match, "no chart on the page"
    return dict(json.loads(markup.unescape(match.group(1))))


@pytest.fixture
def supervisor(client: FlaskClient) -> FlaskClient:
    store_day(DAY - timedelta(weeks=1))  # last week's Tuesday: the history of DAY
    return as_role(client, "supervisor")


def test_a_past_day_shows_agents_needed_and_logged_in(supervisor: FlaskClient) -> None:
    CallEvent.create(call_id="", at=at(DAY, "09:05"), kind="agent.state", leg="1001",
                     data={"agent": "1001", "state": "ready"})  # fmt: skip
    CallEvent.create(call_id="", at=at(DAY, "10:10"), kind="agent.state", leg="1001",
                     data={"agent": "1001", "state": "logged_out"})  # fmt: skip
    args = {"queue": "support", "day": DAY.isoformat(), "level": "80", "seconds": "20",
            "shrinkage": "30"}  # fmt: skip
    page = supervisor.get("/reports/forecast", query_string=args)
    assert page.status_code == 200
    chart = chart_of(page.get_data(as_text=True))
    assert len(chart["starts"]) == 48 and chart["starts"][18] == "09:00"
    assert chart["calls"][18] == 0.2  # one call at 09:10 over the four weeks' Tuesdays
    assert chart["needed"][18] >= chart["on_phones"][18] >= 1  # shrinkage on top
    assert chart["needed"][0] == 0
    assert chart["logged_in"][17:22] == [0, 1, 1, 1, 0]  # 09:00 to 10:10
    assert 'id="chart-forecast"' in page.get_data(as_text=True)


def test_tomorrow_is_the_default_and_has_no_one_logged_in_yet(supervisor: FlaskClient) -> None:
    page = supervisor.get("/reports/forecast")
    assert page.status_code == 200
    chart = chart_of(page.get_data(as_text=True))
    assert set(chart["logged_in"]) == {None}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("level", "150", "Enter a whole number from 1 to 99."),
        ("shrinkage", "-5", "Enter a whole number from 0 to 90."),
        ("day", "tomorrow", "Enter a date as YYYY-MM-DD."),
        ("queue", "nosuch", "Choose a queue."),
    ],
)
def test_bad_input_is_explained_and_kept(
    supervisor: FlaskClient, field: str, value: str, message: str
) -> None:
    page = supervisor.get("/reports/forecast", query_string={field: value})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f'<p class="error field-error" id="e-{field}">{message}</p>' in html
    assert f'value="{value}"' in html or field == "queue"
    assert "data-forecast" not in html


def test_a_box_without_queues_says_so(client: FlaskClient) -> None:
    as_role(client, "admin")
    page = client.get("/reports/forecast")
    assert page.status_code == 200 and "No queues are set up." in page.get_data(as_text=True)
