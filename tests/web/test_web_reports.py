"""The report pages: who may see them, what the filter accepts, and the figures they show."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from helpers_i18n import assert_translated
from helpers_reports import DAY, as_role, at, store_day

from appliance.store.models import Cdr, User

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one

PAGES = ["/reports", "/reports/calls", "/reports/export.csv", "/reports/export.xlsx",
         "/reports/forecast", "/reports/people"]  # fmt: skip
ADMIN_PAGES = ["/reports/schedules", "/reports/schedules/new"]
EDIT = "/reports/schedules/1"  # refused before it is looked up
POSTS = ["/reports/schedules/new", "/reports/schedules/1", "/reports/schedules/1/delete",
         "/reports/schedules/1/send"]  # fmt: skip
RANGE = {"from": DAY.isoformat(), "to": DAY.isoformat()}


def test_a_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    for path in [*PAGES, *ADMIN_PAGES, EDIT, *POSTS]:
        response = client.post(path) if path in POSTS else client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_agents_are_refused_every_report_page(client: FlaskClient) -> None:
    as_role(client, "agent")
    for path in [*PAGES, *ADMIN_PAGES, EDIT]:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path).status_code == 403, path


def test_supervisors_see_reports_but_not_schedules(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    store_day()
    for path in PAGES:
        assert client.get(path, query_string=RANGE).status_code == 200, path
    for path in [*ADMIN_PAGES, EDIT]:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path).status_code == 403, path


def test_admins_see_every_page(client: FlaskClient) -> None:
    as_role(client, "admin")
    store_day()
    for path in [*PAGES, *ADMIN_PAGES]:
        assert client.get(path, query_string=RANGE).status_code == 200, path


def test_the_reports_link_is_shown_to_admins_and_supervisors_only(client: FlaskClient) -> None:
    as_role(client, "agent")
    assert 'href="/reports"' not in client.get("/agent").get_data(as_text=True)
    client.post("/logout", data={})
    for role in ("supervisor", "admin"):
        fresh = client.application.test_client()
        assert 'href="/reports"' in as_role(fresh, role).get("/live").get_data(as_text=True)


def cell(html: str, group: str, name: str, key: str) -> str:
    """Return the text of one figure of a report table."""
    table = html.split(f'id="figures-{group}"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'data-name="{name}"', 1)[1].split("</tr>", 1)[0]
    match = re.search(rf'<td data-key="{key}">([^<]*)</td>', row)
    assert match, (group, name, key)
    return match.group(1)


def test_the_page_shows_the_day_per_queue_agent_and_period(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    store_day()
    html = client.get("/reports", query_string=RANGE).get_data(as_text=True)
    assert cell(html, "total", "", "offered") == "7"  # the call the day before is left out
    assert cell(html, "queue", "support", "answered") == "2"
    assert cell(html, "queue", "support", "abandoned") == "2"
    assert cell(html, "queue", "support", "service_level") == "33.3"  # 1 of 2 + 1 late abandon
    assert cell(html, "queue", "sales", "voicemail") == "1"
    assert cell(html, "agent", "1001", "answered") == "3"
    assert cell(html, "period", "2026-03-10 09:00", "answered") == "2"
    assert cell(html, "queue", "support", "asa") == "17.5"
    assert 'id="chart-calls"' in html and 'id="chart-service-level"' in html
    assert 'id="chart-outcomes"' in html and "reports.js" in html


def test_the_filters_narrow_the_calls(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    store_day()
    for extra, offered in (({"queue": "sales"}, "2"), ({"agent": "1002"}, "1"),
                           ({"direction": "outbound"}, "1"), ({"outcome": "abandoned"}, "2"),
                           ({"number": "13800"}, "2")):  # fmt: skip
        html = client.get("/reports", query_string={**RANGE, **extra}).get_data(as_text=True)
        assert cell(html, "total", "", "offered") == offered, extra


def test_the_default_is_today(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    html = client.get("/reports").get_data(as_text=True)
    assert re.search(r'name="from" value="\d{4}-\d\d-\d\d"', html)
    assert "No calls." in html


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "The last day is before the first."),
        ({"from": "10/03/2026", "to": "2026-03-10"}, "from", "Enter a date as YYYY-MM-DD."),
        ({"from": "2025-01-01", "to": "2026-03-10"}, "to", "At most 400 days at a time."),
        ({"period": "fortnight"}, "period", "Choose one of the list."),
        ({"queue": "nosuch"}, "queue", "Choose one of the list."),
        ({"number": "abc"}, "number", "Digits, +, * and # only (at most 32)."),
    ],
)
@pytest.mark.parametrize("path", ["/reports", "/reports/calls", "/reports/export.csv"])
def test_bad_filters_are_explained_and_kept(
    client: FlaskClient, path: str, args: dict[str, str], field: str, message: str
) -> None:
    as_role(client, "supervisor")
    response = client.get(path, query_string=args)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error field-error" id="e-{field}">{message}</p>' in html
    for value in args.values():
        assert f'value="{value}"' in html, value
    assert "export.csv" not in html  # no export of a filter that is not valid


def test_the_call_list_pages_newest_first_with_recordings(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    store_day()
    html = client.get("/reports/calls", query_string=RANGE).get_data(as_text=True)
    assert html.index('data-call="c6"') < html.index('data-call="c0"')
    assert '<audio controls preload="none" src="/recordings/c0"' in html
    assert html.count("<audio") == 1
    assert 'data-dial="13800138000"' in html  # numbers are click-to-dial links


def test_the_call_list_has_pages_of_fifty(client: FlaskClient) -> None:
    as_role(client, "supervisor")
    store_day()
    for n in range(60):
        Cdr.create(call_id=f"x{n}", started_at=at(DAY, "08:00") + n, ended_at=at(DAY, "09:00"),
                   outcome="answered")  # fmt: skip
    first = client.get("/reports/calls", query_string=RANGE).get_data(as_text=True)
    assert first.count("data-call=") == 50 and 'rel="next"' in first
    second = client.get("/reports/calls", query_string={**RANGE, "page": "2"})
    html = second.get_data(as_text=True)
    assert html.count("data-call=") == 17 and 'rel="prev"' in html and 'rel="next"' not in html
    assert "67 calls, page 2 of 2." in html


@pytest.mark.parametrize("path", ["/reports", "/reports/calls", "/reports/forecast"])
def test_the_pages_with_calls_in_chinese_have_no_english_left(
    client: FlaskClient, path: str
) -> None:
    store_day()
    as_role(client, "supervisor")
    User.update(language="zh_CN").execute()
    day = {"day": DAY.isoformat()} if path.endswith("forecast") else RANGE
    html = client.get(path, query_string=day).get_data(as_text=True)
    assert_translated(html, allowed=["r-supervisor", "support", "sales", "Support", "Sales",
                                     "1001 Wang Fang", "1002 Li Lei", "CSV", "XLSX", "Erlang C",
                                     "c0", "{number}"])  # fmt: skip
