"""A report's figures (total, per queue, agent and period) and its files, from the store.

Reads the store through `appliance.reports.queries` (which selects and groups) and
returns the groups the page, the exports and the scheduled e-mail all show.
"""

from __future__ import annotations

from appliance.callflow import metrics
from appliance.reports import exports, queries
from appliance.reports.exports import Groups

GROUPS = ("total", "queue", "agent", "period")


def report_figures(report: queries.ReportFilter, period: str, timezone: str) -> Groups:
    """Return the figures of a filter: total, per queue, agent and period (rollups: a year < 1 s).

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
