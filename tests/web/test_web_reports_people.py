"""The report of agents' time, first-call resolution, the IVR funnel and satisfaction."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_reports import DAY, as_role, at, store_day

from appliance.store.models import CallEvent, User

RANGE = {"from": DAY.isoformat(), "to": DAY.isoformat()}


def event(at_: float, kind: str, call_id: str = "", leg: str = "", **data: object) -> None:
    """Store one engine event."""
    CallEvent.create(call_id=call_id, at=at_, kind=kind, leg=leg, data=data)


pytestmark = pytest.mark.usefixtures("admin_exists")  # else pages lead to setup


@pytest.fixture
def day_with_events(app: Flask) -> None:
    """Store a day of calls plus agent states, an IVR path and survey answers."""
    store_day()
    nine = at(DAY, "09:00")
    event(nine - 3600, "agent.state", leg="1001", agent="1001", state="ready")  # from 08:00
    event(nine + 600, "agent.state", leg="1001", agent="1001", state="on_call")
    event(nine + 900, "agent.state", leg="1001", agent="1001", state="ready")
    event(nine + 1800, "agent.state", leg="1001", agent="1001", state="not_ready", reason="lunch")
    event(nine + 3600, "agent.state", leg="1001", agent="1001", state="logged_out")
    event(nine + 600, "agent.answered", "x1", "a1", agent="1001", queue="support")
    event(nine + 100, "ivr.entered", "x1", flow="main", version=3)
    event(nine + 101, "ivr.prompt", "x1", node="menu")
    event(nine + 105, "dtmf", "x1", digit="2", node="menu")
    event(nine + 106, "queue.joined", "x1", queue="support")
    event(nine + 200, "ivr.entered", "x2", flow="main", version=3)
    event(nine + 201, "ivr.prompt", "x2", node="menu")
    event(nine + 203, "call.ended", "x2", by="caller")
    event(nine + 950, "survey.answered", "x1", score=5, agent="1001", queue="support")
    event(nine + 960, "survey.answered", "x3", score=2, agent="1002", queue="support")


@pytest.mark.usefixtures("day_with_events")
def test_the_page_shows_time_funnel_fcr_and_satisfaction(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    page = client.get("/reports/people", query_string=RANGE).get_data(as_text=True)
    row = page.split('data-agent="1001"')[1].split("</tr>")[0]
    # logged in 08:00-10:00; ready 08:00-09:10 and 09:15-09:30; on the call 09:10-09:15
    assert "<td>2:00:00</td><td>1:25:00</td>" in row
    assert "lunch 0:30:00" in row and "<td>0:05:00</td>" in row
    assert "5.6 %" in row and "<td>1</td>" in row  # 5 min busy of 90 available; 1 call
    assert 'data-flow="main"' in page and "main v3 — 2 calls" in page
    menu = page.split('data-node="menu"')[1].split("</tr>")[0]
    assert "<td>2</td>" in menu and "2: 1" in menu and "caller hung up: 1" in menu
    assert "to a queue: 1" in menu
    csat = page.split('data-csat="queue"')[1].split("</table>")[0]
    assert "<td>2</td><td>2</td><td>1</td><td>50.0 %</td><td>3.5</td>" in csat
    assert 'id="fcr"' in page


def test_a_range_longer_than_a_month_is_explained(client: FlaskClient) -> None:
    as_role(client, "admin")
    response = client.get(
        "/reports/people", query_string={"from": "2026-01-01", "to": "2026-03-01"}
    )
    assert response.status_code == 400 and "At most 31 days here" in response.get_data(True)


def test_agents_may_not_see_it(client: FlaskClient) -> None:
    as_role(client, "agent")
    assert client.get("/reports/people", query_string=RANGE).status_code == 403


@pytest.mark.usefixtures("day_with_events")
def test_the_page_speaks_chinese(client: FlaskClient) -> None:
    as_role(client, "admin")
    User.update(language="zh_CN").where(User.username == "r-admin").execute()
    page = client.get("/reports/people", query_string=RANGE).get_data(as_text=True)
    data = ["Wang Fang", "Li Lei", "support", "sales", "Support", "Sales", "main", "menu", "lunch",
            "owner", "r-admin", "IVR", "CSV", "XLSX"]  # fmt: skip
    assert_translated(page, allowed=data)
