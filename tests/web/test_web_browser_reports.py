"""The report page in real headless Chromium: charts drawn for a day of calls, and the CSV
export downloaded for that filter holds the figures the page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from flask import Flask
from helpers_reports import DAY, store_day
from helpers_web import PASSWORD

from appliance.reports import exports
from appliance.store.models import User
from web.auth.services import hash_password

pytestmark = pytest.mark.usefixtures("admin_exists")  # pages lead to setup without one


@pytest.fixture
def page(app: Flask) -> Iterator[Any]:
    """Return a Chromium page on the report of DAY, logged in as a supervisor."""
    store_day()
    User.create(username="sue", password_hash=hash_password(PASSWORD), role="supervisor")
    with browser.served(app) as base, browser.chromium() as page:
        browser.log_in(page, base, "sue", PASSWORD)
        page.goto(f"{base}/reports?from={DAY}&to={DAY}&period=hour")
        page.wait_for_function("() => window.Chart && Chart.getChart('chart-outcomes')")
        yield page


def chart(page: Any, canvas: str) -> dict[str, Any]:
    """Return a drawn chart's labels, data and size."""
    return dict(page.evaluate("""(id) => { const c = Chart.getChart(id);
        return {labels: c.data.labels, data: c.data.datasets.map(d => d.data),
                width: c.canvas.width, height: c.canvas.height}; }""", canvas))  # fmt: skip


def test_the_charts_show_the_day_and_the_csv_export_matches_the_page(
    page: Any, tmp_path: Path
) -> None:
    # one test, one Chromium: starting it is most of the time
    assert_charts_drawn(page)
    assert_csv_matches(page, tmp_path)


def assert_charts_drawn(page: Any) -> None:
    """Check the three charts hold the day's figures."""
    calls = chart(page, "chart-calls")
    assert calls["labels"] == [f"{DAY} 09:00", f"{DAY} 10:00", f"{DAY} 14:00", f"{DAY} 15:00"]
    assert calls["data"] == [[2, 0, 1, 1], [0, 2, 0, 0]]  # answered, abandoned
    assert calls["width"] > 0 and calls["height"] > 0
    assert chart(page, "chart-service-level")["data"] == [[50.0, 0.0, 100.0, 100.0]]
    outcomes = chart(page, "chart-outcomes")
    assert outcomes["labels"] == ["Answered", "Abandoned", "Voicemail"]
    assert outcomes["data"] == [[4, 2, 1]]


def assert_csv_matches(page: Any, tmp_path: Path) -> None:
    """Check the downloaded CSV holds every figure of the page's tables."""
    shown = page.evaluate("""() => [...document.querySelectorAll('table.report-figures tbody tr')]
        .map(tr => [tr.closest('table').dataset.group, tr.dataset.name,
                    ...[...tr.querySelectorAll('td')].map(td => td.textContent)])""")  # fmt: skip
    with page.expect_download() as download:
        page.click("#export-summary-csv")
    target = tmp_path / "summary.csv"
    download.value.save_as(target)
    header, *rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    groups = {exports.label(g): g for g in ("total", "queue", "agent", "period")}
    exported = [[groups[r[0]], r[1], *("–" if v == "" else v for v in r[2:])] for r in rows]
    assert len(header) == len(shown[0]) and len(exported) == len(shown) == 1 + 2 + 2 + 4
    for mine, theirs in zip(shown, exported, strict=True):
        assert mine[:2] == theirs[:2]
        assert [_number(v) for v in mine[2:]] == [_number(v) for v in theirs[2:]], mine[:2]


def _number(text: str) -> float | None:
    """Return a figure as a number rounded as the page shows it (None for –)."""
    return None if text == "–" else round(float(text), 1)
