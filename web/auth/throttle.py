"""Failed-login throttling, counted in the store so every gunicorn worker sees one count.

A username is locked after USERNAME_LIMIT failures within WINDOW and a client address
after ADDRESS_LIMIT (higher: an office behind one NAT address shares it).  The wait
ends when the oldest failure that counts falls out of the window.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from peewee import Field

from appliance.store.models import LoginAttempt, utcnow

WINDOW = timedelta(minutes=15)
USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
SETUP_TOKEN = "(setup token)"  # the "username" failed setup tokens are counted under


def retry_after(username: str | None, address: str, now: datetime | None = None) -> int:
    """Return the seconds to wait before the next try (0: go ahead); None skips the username."""
    now = now or utcnow()
    waits = [_wait(LoginAttempt.address, address, ADDRESS_LIMIT, now)]
    if username is not None:
        waits.append(_wait(LoginAttempt.username, username, USERNAME_LIMIT, now))
    return max(waits)


def _wait(field: Field, value: str, limit: int, now: datetime) -> int:
    """Return the seconds until fewer than limit failures of value are in the window."""
    recent = (
        LoginAttempt.select(LoginAttempt.at)
        .where(field == value, LoginAttempt.at > now - WINDOW)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    )
    times = [row.at for row in recent]
    if len(times) < limit:
        return 0
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds()))


def record_failure(username: str, address: str) -> None:
    """Count one failure, forgetting failures older than the window."""
    now = utcnow()
    LoginAttempt.delete().where(LoginAttempt.at <= now - WINDOW).execute()
    LoginAttempt.create(username=username[:255], address=address[:255], at=now)


def forget_failures(username: str) -> None:
    """Clear a username's failures after it logged in (its address keeps its count)."""
    LoginAttempt.delete().where(LoginAttempt.username == username).execute()


def minutes(seconds: int) -> int:
    """Return seconds as whole minutes, rounded up, for messages."""
    return max(1, math.ceil(seconds / 60))
