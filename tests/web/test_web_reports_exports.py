"""The report exports: CSV (UTF-8 with BOM) and XLSX hold the figures and calls of the page."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient
from helpers_reports import DAY, as_role, store_day
from xlsx_support import xlsx_sheets

from appliance.callflow.metrics import QueueStats
from appliance.reports import exports
from appliance.store.models import User

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one

RANGE = {"from": DAY.isoformat(), "to": DAY.isoformat()}


def read_csv(data: bytes) -> list[list[str]]:
    """Return the rows of a CSV export, checking it starts with the UTF-8 BOM."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def supervisor(client: FlaskClient) -> FlaskClient:
    store_day()
    return as_role(client, "supervisor")


def test_the_summary_csv_holds_every_group_and_figure(supervisor: FlaskClient) -> None:
    response = supervisor.get("/reports/export.csv", query_string={**RANGE, "kind": "summary"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="report-2026-03-10-2026-03-10-summary.csv"'
    header, *rows = read_csv(response.data)
    assert header[:4] == ["Group", "Name", "Offered", "Answered"]
    assert len(header) == 2 + len(exports.stat_keys())
    by_name = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows}
    assert by_name[("Total", "")]["Offered"] == "7"
    assert by_name[("Queue", "support")]["Service level %"] == "33.3"
    assert by_name[("Queue", "sales")]["ASA s"] == "10.0"
    assert by_name[("Agent", "1001")]["Answered"] == "3"
    assert by_name[("Period", "2026-03-10 10:00")]["Abandoned"] == "2"
    assert by_name[("Period", "2026-03-10 10:00")]["ASA s"] == ""  # no answered call: empty


def test_the_calls_csv_lists_the_filter_s_calls(supervisor: FlaskClient) -> None:
    args = {**RANGE, "kind": "calls", "queue": "support"}
    header, *rows = read_csv(supervisor.get("/reports/export.csv", query_string=args).data)
    assert header[:3] == ["Started", "Call", "From"]
    assert [r[1] for r in rows] == ["c0", "c1", "c2", "c3"]
    assert rows[0][0] == "2026-03-10 09:10:00" and rows[0][-1] == "c0.wav"


def test_chinese_names_survive_the_csv(supervisor: FlaskClient) -> None:
    from appliance.store.models import Queue

    Queue.update(title="客服").execute()
    User.update(language="zh_CN").where(User.username == "r-supervisor").execute()
    data = supervisor.get("/reports/export.csv", query_string=RANGE).data
    header, *_rows = read_csv(data)
    assert header[:3] == ["分组", "名称", "呼入"]


def test_the_xlsx_has_the_summary_and_the_calls(supervisor: FlaskClient) -> None:
    response = supervisor.get("/reports/export.xlsx", query_string=RANGE)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheets = xlsx_sheets(response.data)
    assert list(sheets) == ["Summary", "Calls"]
    header, *rows = sheets["Summary"]
    csv_rows = read_csv(supervisor.get("/reports/export.csv", query_string=RANGE).data)
    assert [header, *rows][0] == csv_rows[0]
    assert [r[:4] for r in rows] == [r[:4] for r in csv_rows[1:]]
    assert len(sheets["Calls"]) == 1 + 7


def test_unknown_export_formats_are_not_found(supervisor: FlaskClient) -> None:
    assert supervisor.get("/reports/export.pdf", query_string=RANGE).status_code == 404
    args = {**RANGE, "kind": "everything"}
    assert supervisor.get("/reports/export.csv", query_string=args).status_code == 404


def test_a_figure_added_to_queue_stats_is_exported_under_its_name() -> None:
    groups = {"total": {"": QueueStats(offered=3)}}
    table = exports.summary_table(groups)
    assert table.header[2] == "Offered" and table.rows[0][2] == 3
    assert exports.label("a_new_figure") == "a_new_figure"
