"""Read the store for the engine without blocking its thread: read elsewhere, go on here.

`StoreReads.run(read, then)` runs ``read()`` on a worker thread and ``then(result)``
back on the engine thread (``then(None)`` if the read failed, after logging it).
For reads a call needs in the middle of its life, e.g. a mailbox's greeting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from appliance.engine.reactor import Reactor

log = logging.getLogger(__name__)


class StoreReads:
    """A worker thread for store reads whose results continue on the engine thread."""

    def __init__(self, reactor: Reactor, name: str) -> None:
        self.reactor = reactor
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def run(self, read: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run read() off the engine thread, then then(result) on it."""
        self._pool.submit(read).add_done_callback(lambda done: self._back(done, then))

    def _back(self, done: Future[Any], then: Callable[[Any], None]) -> None:
        """Hand the result (None on failure) to the engine thread."""
        try:
            result = done.result()
        except Exception:
            log.exception("store read failed")
            result = None
        self.reactor.submit(lambda: then(result))
