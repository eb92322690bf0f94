"""The scheduled-reports job e-mails due reports, their files attached, to a real SMTP server."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

import pytest
from boxharness import free_port
from peewee import Database
from smtp_sink import smtp_server
from xlsx_support import xlsx_sheets

from appliance.config import Settings, SmtpSettings
from appliance.jobs import reports as job
from appliance.store.models import Cdr, Queue, ReportSchedule

pytestmark = pytest.mark.usefixtures("store")


def utc(text: str) -> float:
    """Return the UNIX time of an ISO "YYYY-MM-DD HH:MM" in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


RUN = utc("2026-03-11 07:01")  # the day after the calls, past the 07:00 schedule


@pytest.fixture(autouse=True)
def calls(store: Database) -> None:
    """Store a day of calls in support (and one in sales, one the day before)."""
    Queue.create(name="support", title="客服")
    for n, (hhmm, outcome, wait) in enumerate((("09:10", "answered", 5), ("09:40", "answered", 30),
                                               ("10:05", "abandoned", 60))):  # fmt: skip
        start = utc(f"2026-03-10 {hhmm}")
        Cdr.create(call_id=f"c{n}", started_at=start, ended_at=start + 60, queue="support",
                   agent="1001" if outcome == "answered" else None, wait_seconds=wait,
                   talk_seconds=40, outcome=outcome, from_number="13800138000")  # fmt: skip
    Cdr.create(call_id="s1", started_at=utc("2026-03-10 11:00"), ended_at=0, queue="sales",
               outcome="answered")  # fmt: skip
    Cdr.create(call_id="old", started_at=utc("2026-03-09 11:00"), ended_at=0, queue="support",
               outcome="answered")  # fmt: skip
    job._failed_at.clear()


def schedule(file_format: str = "xlsx", **extra: object) -> ReportSchedule:
    """Store a daily 07:00 schedule of yesterday's support calls."""
    fields = {"name": "daily support", "report_range": "yesterday", "queue": "support",
              "file_format": file_format, "recipients": "boss@example.com\nteam@example.com",
              "frequency": "daily", "at": "07:00",
              "created_at": utc("2026-03-01 00:00")}  # fmt: skip
    return ReportSchedule.create(**{**fields, **extra})


def with_smtp(settings: Settings, port: int) -> Settings:
    """Return the settings with e-mail going to 127.0.0.1:port."""
    settings.smtp = SmtpSettings(enabled=True, host="127.0.0.1", port=port,
                                 sender="box@example.com", timeout_seconds=2)  # fmt: skip
    return settings


def test_a_due_xlsx_report_arrives_with_its_figures_and_calls(settings: Settings) -> None:
    schedule("xlsx")
    port = free_port()
    with smtp_server(port) as sink:
        assert job.send_due_reports(with_smtp(settings, port), RUN) == ["daily support"]
        [mail] = sink.wait(1)
    assert sink.envelopes[0][1] == ["boss@example.com", "team@example.com"]
    assert mail["Subject"] == "Report daily support: 2026-03-10 to 2026-03-10"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "report-daily_support-2026-03-10.xlsx"
    sheets = xlsx_sheets(attachment.get_content())
    summary = {(r[0], r[1]): r for r in sheets["Summary"][1:]}
    assert summary[("Total", "")][2:5] == ["3", "2", "1"]  # offered, answered, in threshold
    assert summary[("Queue", "support")][2] == "3" and ("Queue", "sales") not in summary
    assert [r[1] for r in sheets["Calls"][1:]] == ["c0", "c1", "c2"]
    assert ReportSchedule.get().last_run_at == RUN


def test_a_csv_report_attaches_figures_and_calls(settings: Settings) -> None:
    schedule("csv", report_range="last_week", frequency="weekly", weekday=2, queue="")
    Cdr.create(call_id="lw", started_at=utc("2026-03-04 16:00"), ended_at=0, queue="support",
               outcome="abandoned", wait_seconds=9, from_number="13900139000")  # fmt: skip
    port = free_port()
    with smtp_server(port) as sink:
        assert job.send_due_reports(with_smtp(settings, port), RUN) == ["daily support"]
        [mail] = sink.wait(1)
    files = {a.get_filename(): a.get_payload(decode=True) for a in mail.iter_attachments()}
    assert list(files) == ["report-daily_support-2026-03-02-2026-03-08-summary.csv",
                           "report-daily_support-2026-03-02-2026-03-08-calls.csv"]  # fmt: skip
    summary, calls = ([*csv.reader(io.StringIO(f.decode("utf-8-sig")))] for f in files.values())
    assert all(f.startswith(b"\xef\xbb\xbf") for f in files.values())  # the BOM for Excel
    assert [r[1] for r in calls[1:]] == ["lw"]
    assert summary[1][:5] == ["Total", "", "1", "0", "0"]


def test_a_report_is_sent_once_per_planned_moment(settings: Settings) -> None:
    schedule()
    port = free_port()
    with smtp_server(port) as sink:
        with_smtp(settings, port)
        assert job.send_due_reports(settings, RUN) == ["daily support"]
        assert job.send_due_reports(settings, RUN + 3600) == []
        assert job.send_due_reports(settings, RUN + 86400) == ["daily support"]
        assert len(sink.wait(2)) == 2


def test_nothing_is_sent_or_marked_when_e_mail_is_off_or_disabled(settings: Settings) -> None:
    schedule()
    schedule(name="off", enabled=False)
    assert job.send_due_reports(settings, RUN) == []  # smtp.enabled is false by default
    assert ReportSchedule.get(name="daily support").last_run_at is None


def test_a_failed_e_mail_is_logged_and_tried_again_later(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    schedule()
    with_smtp(settings, free_port())  # nobody listens there
    with caplog.at_level(logging.ERROR):
        assert job.send_due_reports(settings, RUN) == []
    assert "report daily support: e-mail failed" in caplog.text
    assert ReportSchedule.get().last_run_at is None
    port = free_port()
    with smtp_server(port) as sink:
        with_smtp(settings, port)
        assert job.send_due_reports(settings, RUN + 60) == []  # not every minute
        assert job.send_due_reports(settings, RUN + job.RETRY_SECONDS) == ["daily support"]
        sink.wait(1)


def test_the_scheduler_runs_the_reports_job(settings: Settings) -> None:
    from appliance.jobs.scheduler import build_scheduler

    assert "reports" in [j.id for j in build_scheduler(settings).get_jobs()]
