"""Book a call out from a phone (撥出預約 by feature code): the next HH:MM, in the store.

The scheduler's `scheduled-dials` job makes it on time (appliance/jobs/scheduled_dials.py),
exactly like a booking made on the agent console.  Runs off the engine thread.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from appliance.store.models import ScheduledDial, User

NOTE = "booked from the phone"


def next_time(at: str, timezone: str, now: float) -> float:
    """Return the UNIX time of the next HH:MM (today if still ahead, else tomorrow)."""
    zone = ZoneInfo(timezone)
    hour, minute = (int(part) for part in at.split(":"))
    today = datetime.fromtimestamp(now, zone)
    due = today.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due.timestamp() <= now:
        due = (today + timedelta(days=1)).replace(hour=hour, minute=minute, second=0,
                                                  microsecond=0)  # fmt: skip
    return due.timestamp()


def book_call(extension: str, number: str, due_at: float) -> bool:
    """Store the booking for the user who works at extension; false if there is none."""
    user = User.get_or_none(User.extension == extension)
    if user is None:
        return False
    ScheduledDial.create(user=user, extension=extension, number=number, note=NOTE, due_at=due_at)
    return True
