"""Report files: the summary and the call detail as CSV (UTF-8 with BOM) or XLSX.

Pure builders over figures and CDR rows (no Flask, no store), shared by the web
export and the scheduled e-mail.  Column headers come from LABELS in the file's
language; a `QueueStats` figure without a label yet is headed by its field name,
so a figure added to metrics shows up in every export at once.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from appliance.callflow.metrics import QueueStats

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 (Chinese names intact) only with it
DETAIL_KEYS = ("started", "call_id", "from_number", "to_number", "direction", "queue", "agent",
               "wait_seconds", "talk_seconds", "outcome", "recording")  # fmt: skip
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "group": "Group", "name": "Name", "total": "Total", "queue": "Queue",
        "agent": "Agent", "period": "Period", "offered": "Offered", "answered": "Answered",
        "answered_in_threshold": "Answered in threshold", "abandoned": "Abandoned",
        "short_abandoned": "Short abandons", "voicemail": "Voicemail",
        "callbacks": "Callbacks", "forwarded": "Forwarded", "failed": "Failed",
        "service_level": "Service level %", "asa": "ASA s", "aht": "AHT s",
        "abandon_rate": "Abandon rate %", "longest_wait": "Longest wait s",
        "average_abandon_time": "Average abandon time s", "started": "Started",
        "call_id": "Call", "from_number": "From", "to_number": "To",
        "direction": "Direction", "wait_seconds": "Wait s", "talk_seconds": "Talk s",
        "outcome": "Outcome", "recording": "Recording", "summary": "Summary", "calls": "Calls",
        "interrupted": "Interrupted", "overflowed": "Overflowed", "transfers": "Transfers",
        "callback_calls": "Callback calls", "abandoned_in_threshold": "Abandoned in threshold",
        "app_queue_sl": "SL (app_queue) %", "app_queue_sl2": "SL2 (app_queue) %",
        "average_talk": "Average talk s", "average_hold": "Average hold s",
        "average_wrap_up": "Average wrap-up s",
    },
    "zh": {
        "group": "分组", "name": "名称", "total": "合计", "queue": "队列",
        "agent": "坐席", "period": "时段", "offered": "呼入", "answered": "接通",
        "answered_in_threshold": "阈值内接通", "abandoned": "放弃",
        "short_abandoned": "短时放弃", "voicemail": "语音留言",
        "callbacks": "回拨", "forwarded": "转接外线", "failed": "失败",
        "service_level": "服务水平 %", "asa": "平均应答时间 秒", "aht": "平均处理时长 秒",
        "abandon_rate": "放弃率 %", "longest_wait": "最长等待 秒",
        "average_abandon_time": "平均放弃时间 秒", "started": "开始时间",
        "call_id": "通话", "from_number": "主叫", "to_number": "被叫",
        "direction": "方向", "wait_seconds": "等待 秒", "talk_seconds": "通话 秒",
        "outcome": "结果", "recording": "录音", "summary": "汇总", "calls": "通话明细",
        "interrupted": "中断", "overflowed": "溢出", "transfers": "转接次数",
        "callback_calls": "回拨通话", "abandoned_in_threshold": "阈值内放弃",
        "app_queue_sl": "服务水平（按接通）%", "app_queue_sl2": "服务水平（含阈值内放弃）%",
        "average_talk": "平均通话 秒", "average_hold": "平均保持 秒",
        "average_wrap_up": "平均话后处理 秒",
    },
}  # fmt: skip
Groups = Mapping[str, Mapping[str, QueueStats]]  # "total" | "queue" | ... -> name -> figures


@dataclass(frozen=True)
class Table:
    """One sheet of a report file: its name, its header and its rows."""

    name: str
    header: list[str]
    rows: list[list[Any]]


def stat_keys() -> list[str]:
    """Return the names of QueueStats' figures, in their order."""
    return [f.name for f in dataclasses.fields(QueueStats)]


def label(key: str, language: str = "en") -> str:
    """Return the header of a column in language (zh*: Chinese), else its key."""
    texts = LABELS["zh"] if language.startswith("zh") else LABELS["en"]
    return texts.get(key, key)


def summary_table(groups: Groups, language: str = "en") -> Table:
    """Return one row per group and name: the group, the name and every figure."""
    keys = stat_keys()
    header = [label(k, language) for k in ("group", "name", *keys)]
    rows = [
        [label(group, language), name, *(getattr(stats, k) for k in keys)]
        for group, named in groups.items()
        for name, stats in named.items()
    ]
    return Table(label("summary", language), header, rows)


def detail_table(rows: Iterable[Mapping[str, Any]], timezone: str, language: str = "en") -> Table:
    """Return one row per call, its start in the box's time zone."""
    zone = ZoneInfo(timezone)
    header = [label(k, language) for k in DETAIL_KEYS]
    lines = [[started(row, zone), *(_cell(row.get(k)) for k in DETAIL_KEYS[1:])] for row in rows]
    return Table(label("calls", language), header, lines)


def started(row: Mapping[str, Any], zone: ZoneInfo) -> str:
    """Return when a call started as local "YYYY-MM-DD HH:MM:SS"."""
    return datetime.fromtimestamp(float(row["started_at"]), zone).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: Any) -> Any:
    """Return a value as a cell holds it: None as empty."""
    return "" if value is None else value


def to_csv(table: Table) -> bytes:
    """Return the table as CSV: UTF-8 with a BOM, CRLF line ends, empty for None."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([[_cell(v) for v in row] for row in table.rows])
    return (BOM + out.getvalue()).encode("utf-8")


def to_xlsx(tables: Iterable[Table]) -> bytes:
    """Return the tables as an XLSX workbook, a sheet each (header bold, None blank)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for table in tables:
        sheet = book.add_worksheet(table.name[:31])
        sheet.write_row(0, 0, table.header, bold)
        for number, row in enumerate(table.rows, start=1):
            sheet.write_row(number, 0, [_cell(v) for v in row])
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
