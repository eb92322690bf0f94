"""Read which agents' phones are registered, straight from Kamailio's location table.

usrloc runs write-back (db_mode 2) with a 1 s timer, so the table trails Kamailio's memory
by about a second (see the template for why not write-through).  db_sqlite stores times as
Julian day numbers (REAL, UTC); ``julianday()`` also accepts the text form, so both read.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass

from appliance.config import Settings
from appliance.sipedge.render import database_path

_UNIX_EPOCH_JD = 2440587.5  # the Julian day of 1970-01-01 00:00 UTC

# expires at the epoch (0) marks a permanent contact in usrloc.
_QUERY = f"""
    SELECT username, contact, (julianday(expires) - {_UNIX_EPOCH_JD}) * 86400.0 AS expires_at,
           user_agent, COALESCE(received, '')
    FROM location
    WHERE julianday(expires) > julianday(?, 'unixepoch') OR julianday(expires) <= {_UNIX_EPOCH_JD}
    ORDER BY expires_at
"""


@dataclass(frozen=True)
class Registration:
    """One phone's live registration: where to reach it and until when."""

    extension: str
    contact: str
    expires: float  # UNIX time; 0 for a permanent contact
    user_agent: str
    received: str  # the NAT-visible source (sip:ip:port) when the contact was private, else ""


def registered(settings: Settings, now: float | None = None) -> dict[str, Registration]:
    """Return extension -> its latest unexpired registration; {} if the db cannot be read."""
    path = database_path(settings)
    now = time.time() if now is None else now
    try:
        # Read-only and a short busy wait: called every second, it must never stall the engine.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        with closing(conn):
            rows = conn.execute(_QUERY, (now,)).fetchall()
    except sqlite3.Error:
        return {}
    # Rows come oldest first, so a phone with several contacts keeps its freshest one.
    return {
        str(user): Registration(
            extension=str(user),
            contact=str(contact),
            expires=max(0.0, round(float(expires), 3)),
            user_agent=str(agent),
            received=str(received),
        )
        for user, contact, expires, agent, received in rows
    }
