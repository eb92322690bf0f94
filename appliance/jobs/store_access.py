"""The store as a scheduler job opens it for one run: only once it exists and is migrated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from appliance.config import Settings
from appliance.store import migrations
from appliance.store.database import connect


@contextmanager
def migrated_store(settings: Settings) -> Iterator[bool]:
    """Connect the store for one run of a job; yield false when the job must skip it.

    False while there is no store file yet, or while its migrations are pending (the web
    migrates it at start; a job never does).  `connect`, not `open_store`: the supervisor
    checked the file when the box started, and a whole-file check every run would cost a
    large store real I/O.  The connection is closed when the run ends.
    """
    path = Path(settings.paths.database)
    if not path.exists():
        yield False
        return
    database = connect(path)
    try:
        yield not migrations.pending(database)
    finally:
        database.close()
