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


def report_figures(report: queries.ReportFilter, period: str, timezone: str) -> Groups:
    """Return a filter's figures like `figures`, from rollups where they serve (a year in <1 s).

    The total is every call of the range as one period, so its service level counts
    against the default threshold (each queue's own row uses the queue's).
    """
    total = queries.period_report(report, "all", timezone).get("all", metrics.QueueStats())
    return {
        "total": {"": total},
        "queue": queries.queue_report(report),
        "agent": queries.agent_report(report),
        "period": queries.period_report(report, period, timezone),
    }


OUTCOME_FIELDS = {"answered": "answered", "abandoned": "abandoned", "voicemail": "voicemail",
                  "callback": "callbacks", "forwarded": "forwarded", "failed": "failed",
                  "interrupted": "interrupted"}  # fmt: skip


def outcome_counts(total: metrics.QueueStats) -> dict[str, int]:
    """Return how many calls ended each way (the pie chart), from the total's counts."""
    counts = {outcome: int(getattr(total, name)) for outcome, name in OUTCOME_FIELDS.items()}
    return {outcome: n for outcome, n in counts.items() if n}


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
    if file_format not in MIME_TYPES:
        raise ValueError(f"file_format must be csv or xlsx, not {file_format!r}")
    summary_table = exports.summary_table(report_figures(report, period, timezone), language)
    detail_table = exports.detail_table(queries.cdr_rows(report), timezone, language)
    if file_format == "xlsx":
        return {f"{stem}.xlsx": exports.to_xlsx([summary_table, detail_table])}
    return {
        f"{stem}-summary.csv": exports.to_csv(summary_table),
        f"{stem}-calls.csv": exports.to_csv(detail_table),
    }
