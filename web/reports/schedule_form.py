"""The scheduled-report form: its fields, and saving a schedule with an audit entry."""

from __future__ import annotations

import re
import time
from typing import Any

from appliance.reports import mailing
from appliance.store.database import db
from appliance.store.models import Queue, ReportSchedule
from web.admin import audit
from web.admin.schemas import Field, FieldError
from web.i18n import _
from web.i18n import lazy_gettext as _l

AREA = "report_schedules"  # the audit log's area
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
RANGES = {"yesterday": _l("Yesterday"), "last_week": _l("Last week (Monday to Sunday)"),
          "last_month": _l("Last month")}  # fmt: skip
FREQUENCIES = {"daily": _l("Every day"), "weekly": _l("Every week"), "monthly": _l("Every month")}
FORMATS = {"csv": _l("CSV (two files: figures and calls)"), "xlsx": _l("XLSX (two sheets)")}
WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday")]  # fmt: skip
COLUMNS = ("name", "report_range", "queue", "file_format", "recipients", "frequency", "at",
           "weekday", "day_of_month", "enabled")  # fmt: skip


def check_recipients(text: str) -> str:
    """Return the recipients one per line; FieldError naming a bad or missing address."""
    addresses = mailing.recipients(text)
    if not addresses:
        raise FieldError(_("Give at least one e-mail address."))
    for address in addresses:
        if not EMAIL.match(address):
            raise FieldError(_("%(address)s is not an e-mail address.", address=address))
    return "\n".join(addresses)


def fields() -> list[Field]:
    """Return the form's fields."""

    def queues() -> list[tuple[str, Any]]:
        return [("", _("all queues")), *((q.name, q.title or q.name) for q in Queue.select())]

    return [
        Field("name", _l("Name"), required=True),
        Field("report_range", _l("Calls of"), "choice", required=True,
              choices=lambda: RANGES.items()),
        Field("queue", _l("Queue"), "choice", choices=queues),
        Field("file_format", _l("Format"), "choice", required=True,
              choices=lambda: FORMATS.items()),
        Field("recipients", _l("Recipients"), "textarea", max_length=2000, check=check_recipients,
              help=_l("E-mail addresses, one per line or separated by commas.")),
        *timing_fields(_l("Sent")),
        Field("enabled", _l("Enabled"), "bool"),
    ]  # fmt: skip


def timing_fields(frequency_label: Any) -> list[Field]:
    """Return the fields saying when a schedule runs (report e-mails, backups)."""
    return [
        Field("frequency", frequency_label, "choice", required=True,
              choices=lambda: FREQUENCIES.items()),
        Field("at", _l("At (HH:MM, the box's time)"), required=True, pattern=CLOCK,
              pattern_message=_l("Enter a time as HH:MM, e.g. 07:30.")),
        Field("weekday", _l("Day of the week (weekly)"), "choice",
              choices=lambda: [(str(n), d) for n, d in enumerate(WEEKDAYS)]),
        Field("day_of_month", _l("Day of the month (monthly)"), "int", minimum=1, maximum=28),
    ]  # fmt: skip


def initial(schedule: ReportSchedule | None) -> dict[str, str]:
    """Return the form's text for a schedule (a new one: yesterday's figures, daily at 07:00)."""
    if schedule is None:
        return {"report_range": "yesterday", "file_format": "xlsx", "frequency": "daily",
                "at": "07:00", "weekday": "0", "day_of_month": "1", "enabled": "on"}  # fmt: skip
    values = describe(schedule)
    values["enabled"] = "on" if schedule.enabled else ""
    return {k: str(v) for k, v in values.items()}


def describe(schedule: ReportSchedule) -> dict[str, Any]:
    """Return a schedule's settings as the audit log keeps them."""
    return {name: getattr(schedule, name) for name in COLUMNS}


def save(schedule: ReportSchedule | None, values: dict[str, Any]) -> ReportSchedule:
    """Create (schedule None) or update a schedule from the form's values; audit it."""
    before = describe(schedule) if schedule is not None else None
    values = {**values, "weekday": int(values.get("weekday") or 0),
              "day_of_month": int(values.get("day_of_month") or 1)}  # fmt: skip
    with db.atomic():
        if schedule is None:
            schedule = ReportSchedule.create(created_at=time.time(), **values)
        else:
            for name, value in values.items():
                setattr(schedule, name, value)
            schedule.save()
    audit.record(AREA, schedule.name, "update" if before else "create", before,
                 describe(schedule))  # fmt: skip
    return schedule


def delete(schedule: ReportSchedule) -> None:
    """Delete a schedule; audit it."""
    before = describe(schedule)
    schedule.delete_instance()
    audit.record(AREA, schedule.name, "delete", before, None)


def name_taken(name: str, schedule: ReportSchedule | None) -> bool:
    """Return true when another schedule has this name."""
    query = ReportSchedule.select().where(ReportSchedule.name == name)
    if schedule is not None:
        query = query.where(ReportSchedule.id != schedule.id)
    return bool(query.exists())


def summary_of(schedule: Any) -> str:
    """Return when a schedule runs, as the list shows it (a report's or a backup's: both
    have frequency, weekday, day_of_month and at)."""
    when = str(FREQUENCIES.get(schedule.frequency, schedule.frequency))
    if schedule.frequency == "weekly":
        when += f" ({WEEKDAYS[schedule.weekday % 7]})"
    elif schedule.frequency == "monthly":
        when += f" ({schedule.day_of_month})"
    return f"{when} {schedule.at}"
