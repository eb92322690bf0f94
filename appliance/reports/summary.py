"""A report's figures (total, per queue, agent and period) and its files, from the store.

Reads the store through `appliance.reports.queries` (which selects and groups) and
returns the groups the page, the exports and the scheduled e-mail all show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appliance.callflow import metrics
from appliance.reports import exports, queries
from appliance.reports.exports import Groups

GROUPS = ("total", "queue", "agent", "period")


def figures(rows: Sequence[dict[str, Any]], period: str, timezone: str) -> Groups:
    """Return the figures of rows: total, by queue, by agent and by period."""
    return {
        "total": {"": metrics.queue_stats(rows, total_threshold(rows))},
        "queue": queries.by_queue(rows),
        "agent": queries.by_agent(rows),
        "period": queries.by_period(rows, period, timezone),
    }


def total_threshold(rows: Sequence[dict[str, Any]]) -> float:
    """Return the service-level threshold of the total: the queues' one when they share it.

    Queues with different thresholds have no single service level; the total then
    counts against the default (each queue's own row is exact).
    """
    known = queries.thresholds()
    used = {known.get(r.get("queue") or "", metrics.DEFAULT_THRESHOLD_SECONDS) for r in rows}
    return used.pop() if len(used) == 1 else metrics.DEFAULT_THRESHOLD_SECONDS


MIME_TYPES = {
    "csv": ("text", "csv"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def files(
    report: queries.ReportFilter, period: str, timezone: str, file_format: str, stem: str,
    language: str = "en",
) -> dict[str, bytes]:  # fmt: skip
    """Return a report's files by name: CSV summary and calls, or one XLSX of both."""
    rows = queries.cdr_rows(report)
    summary_table = exports.summary_table(figures(rows, period, timezone), language)
    detail_table = exports.detail_table(rows, timezone, language)
    if file_format == "xlsx":
        return {f"{stem}.xlsx": exports.to_xlsx([summary_table, detail_table])}
    if file_format == "csv":
        return {
            f"{stem}-summary.csv": exports.to_csv(summary_table),
            f"{stem}-calls.csv": exports.to_csv(detail_table),
        }
    raise ValueError(f"file_format must be csv or xlsx, not {file_format!r}")
