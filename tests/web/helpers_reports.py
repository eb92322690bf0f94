"""Helpers of the report page tests: a day of calls in the store, users of each role."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from helpers_web import PASSWORD, login

from appliance.store.models import Agent, Cdr, Queue, QueueMember, User
from web.auth.services import hash_password

DAY = date(2026, 3, 10)  # a Tuesday; the test settings' time zone is UTC
# (hh:mm, queue, agent, outcome, wait, talk, from, direction, recording)
CALLS = [
    ("09:10", "support", "1001", "answered", 5, 60, "13800138000", "inbound", "c0.wav"),
    ("09:40", "support", "1002", "answered", 30, 120, "13900139000", "inbound", ""),
    ("10:05", "support", None, "abandoned", 60, 0, "13700137000", "inbound", ""),
    ("10:20", "support", None, "abandoned", 2, 0, "13600136000", "inbound", ""),
    ("14:00", "sales", "1001", "answered", 10, 30, "13800138000", "inbound", ""),
    ("14:30", "sales", None, "voicemail", 40, 0, "15000150000", "inbound", ""),
    ("15:00", None, "1001", "answered", 0, 45, "1001", "outbound", ""),
]


def at(day: date, hhmm: str) -> float:
    """Return the UNIX time of hh:mm UTC on day."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).timestamp()


def store_day(day: date = DAY) -> None:
    """Store the queues, agents and CALLS of day (and one call the day before)."""
    support = Queue.create(name="support", title="Support", service_level_seconds=20)
    Queue.create(name="sales", title="Sales", service_level_seconds=20)
    for ext, name in (("1001", "Wang Fang"), ("1002", "Li Lei")):
        agent = Agent.create(extension=ext, name=name, sip_password="x")
        QueueMember.create(queue=support, agent=agent)
    for n, (hhmm, queue, agent, outcome, wait, talk, number, direction, rec) in enumerate(CALLS):
        start = at(day, hhmm)
        called = "02188889999" if direction == "outbound" else "100"
        Cdr.create(call_id=f"c{n}", started_at=start, ended_at=start + wait + talk,
                   from_number=number, to_number=called,
                   direction=direction, queue=queue, agent=agent, wait_seconds=wait,
                   talk_seconds=talk, outcome=outcome, recording=rec or None)  # fmt: skip
    Cdr.create(call_id="before", started_at=at(day, "09:00") - 86400, ended_at=at(day, "09:00"),
               queue="sales", outcome="answered", wait_seconds=1)  # fmt: skip


def as_role(client: FlaskClient, role: str) -> FlaskClient:
    """Log client in as a new user with role."""
    User.create(username=f"r-{role}", password_hash=hash_password(PASSWORD), role=role)
    assert login(client, f"r-{role}", PASSWORD).status_code == 302
    return client
