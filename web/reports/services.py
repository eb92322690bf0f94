"""What the report pages read: the box's day and zone, the filter's choices, rows, files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale

from appliance.reports import summary
from appliance.store.models import Agent, Queue
from web.context import current_settings
from web.reports import schemas
from web.wallboard.services import box_zone


def timezone() -> str:
    """Return the box's time zone (UTC when the setting names none known)."""
    return box_zone(current_settings().timezone)


def today() -> date:
    """Return today's date in the box's time zone."""
    return datetime.now(ZoneInfo(timezone())).date()


def language() -> str:
    """Return the page's language as the exports name it: zh or en."""
    return "zh" if str(get_locale() or "").startswith("zh") else "en"


def queue_options() -> list[tuple[str, str]]:
    """Return the queues to filter by: (name, title)."""
    return [(q.name, q.title or q.name) for q in Queue.select().order_by(Queue.name)]


def agent_options() -> list[tuple[str, str]]:
    """Return the agents to filter by: (extension, "extension name")."""
    agents = Agent.select().order_by(Agent.extension)
    return [(a.extension, f"{a.extension} {a.name}".strip()) for a in agents]


def read_filter(args: Any) -> schemas.FilterForm:
    """Return the filter of the request's arguments, checked against the known choices."""
    choices = {
        "queue": [name for name, _title in queue_options()],
        "agent": [ext for ext, _name in agent_options()],
    }
    return schemas.read_filter(args, timezone(), today(), choices)


def export(form: schemas.FilterForm, file_format: str, kind: str) -> tuple[str, bytes]:
    """Return the file name and bytes of the filter's export (CSV: kind summary or calls)."""
    assert form.report is not None  # the route answers a bad filter with the page
    stem = f"report-{form.raw['from']}-{form.raw['to']}"
    files = summary.files(form.report, form.period, timezone(), file_format, stem, language())
    name = f"{stem}.xlsx" if file_format == "xlsx" else f"{stem}-{kind}.csv"
    return name, files[name]
