"""E-mail scheduled reports: build the files of the run's range, send them as attachments.

Sent with the voicemail e-mail's sender (`appliance.voicemail.mail.send`) through the
box's SMTP settings, in the box's language.  `send_due` is what the scheduler's job
runs every minute; `send_report` is also the admin page's "send now".
"""

from __future__ import annotations

import logging
import re
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from appliance.config import Settings
from appliance.reports import schedules, summary
from appliance.reports.queries import ReportFilter
from appliance.store.models import ReportSchedule
from appliance.voicemail import mail

log = logging.getLogger(__name__)
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Report {name}: {first} to {last}",
        "body": "The report {name} of {first} to {last}{queue} is attached.\n",
        "queue": ", queue {queue}",
    },
    "zh": {
        "subject": "报表 {name}：{first} 至 {last}",
        "body": "报表 {name}（{first} 至 {last}{queue}）见附件。\n",
        "queue": "，队列 {queue}",
    },
}


class MailNotSetUp(RuntimeError):
    """The box has no outgoing e-mail set up (smtp.enabled is false)."""


def recipients(text: str) -> list[str]:
    """Return the addresses of a recipients text (commas, semicolons, spaces or lines)."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def plan(schedule: ReportSchedule) -> schedules.Plan:
    """Return when a stored schedule runs."""
    return schedules.Plan(schedule.frequency, schedule.at, schedule.weekday, schedule.day_of_month)


def compose(
    schedule: ReportSchedule, files: dict[str, bytes], days: tuple[date, date], sender: str,
    language: str = "en",
) -> EmailMessage:  # fmt: skip
    """Return the e-mail of a report, its files attached."""
    texts = TEXTS["zh"] if language.startswith("zh") else TEXTS["en"]
    queue = texts["queue"].format(queue=schedule.queue) if schedule.queue else ""
    fields = {"name": schedule.name, "first": days[0], "last": days[1], "queue": queue}
    message = EmailMessage()
    message["Subject"] = texts["subject"].format(**fields)
    message["From"], message["To"] = sender, ", ".join(recipients(schedule.recipients))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid("report")
    message.set_content(texts["body"].format(**fields))
    for name, data in files.items():
        maintype, subtype = summary.MIME_TYPES[name.rsplit(".", 1)[-1]]
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def send_report(schedule: ReportSchedule, settings: Settings, now: float) -> EmailMessage:
    """E-mail one schedule's report for a run at now and record the run (raises on failure)."""
    if not settings.smtp.enabled:
        raise MailNotSetUp("smtp.enabled is false: the box sends no e-mail")
    tz = settings.timezone
    days = schedules.report_days(schedule.report_range, now, tz)
    start, end = schedules.bounds(*days, tz)
    stem = "-".join(["report", re.sub(r"[\s/\\]+", "_", schedule.name), str(days[0]),
                     *([str(days[1])] if days[1] != days[0] else [])])  # fmt: skip
    period = schedules.PERIOD_OF_RANGE[schedule.report_range]
    files = summary.files(ReportFilter(start, end, queue=schedule.queue), period, tz,
                          schedule.file_format, stem, settings.language)  # fmt: skip
    message = compose(schedule, files, days, settings.smtp.sender, settings.language)
    mail.send(message, settings.smtp)
    schedule.last_run_at = now
    schedule.save(only=[ReportSchedule.last_run_at])
    return message


def due(now: float, timezone: str) -> list[ReportSchedule]:
    """Return the enabled schedules due at now."""
    enabled = ReportSchedule.select().where(ReportSchedule.enabled == True)  # noqa: E712
    return [
        s
        for s in enabled.order_by(ReportSchedule.name)
        if schedules.is_due(plan(s), s.last_run_at, s.created_at, now, timezone)
    ]
