"""Send the IP-peer trunks SIP OPTIONS and keep their reachability (trunk_reachability.py).

The probes run on a thread of their own (a silent carrier costs PROBE_TIMEOUT seconds
of waiting, never the engine thread's); each answer is applied on the engine thread,
which alone reads and writes `state`.  A change is written as an event
(`trunk.reachable` / `trunk.unreachable`), like a registration's.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from appliance.engine.queue_store import TrunkPeer
from appliance.engine.trunk_reachability import Reachability
from appliance.sipedge.options import probe

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
PROBE_TIMEOUT = 2.0  # seconds a carrier has to answer one OPTIONS
ASK_TIMEOUT = 5.0  # seconds to wait for the engine thread's list of trunks


class TrunkQualifier:
    """The IP-peer trunks' reachability, probed every engine.trunk_qualify_seconds."""

    def __init__(self, board: Switchboard, stopping: threading.Event) -> None:
        self.board = board
        self.stopping = stopping
        self.interval = board.settings.engine.trunk_qualify_seconds
        self.timeout = min(PROBE_TIMEOUT, self.interval)  # a round never outlasts the next
        self.source = board.settings.engine.trunk_listen  # the address carriers know us by
        self.state: dict[str, Reachability] = {}  # engine thread only

    def start(self) -> None:
        """Start probing (nothing when engine.trunk_qualify_seconds is 0)."""
        if self.interval > 0:
            threading.Thread(target=self._run, name="trunk-qualify", daemon=True).start()

    def reachability(self, name: str) -> Reachability | None:
        """Return an IP peer's reachability (None: not probed, or a registering trunk)."""
        return self.state.get(name)

    def _run(self) -> None:
        """Probe every IP peer, then wait the interval, until the engine stops."""
        while not self.stopping.is_set():
            try:
                peers = self.board.reactor.submit(self._peers).result(ASK_TIMEOUT)
            except FutureTimeout:  # the engine thread is busy or stopping: next round
                peers = []
            for peer in peers:
                if self.stopping.is_set():
                    return
                started = time.monotonic()
                code = probe(peer.host, peer.port, self.timeout, self.source)
                rtt_ms = round((time.monotonic() - started) * 1000)
                self.board.reactor.submit(functools.partial(self._probed, peer.name, code, rtt_ms))
            self.stopping.wait(self.interval)

    def _peers(self) -> list[TrunkPeer]:
        """Return the enabled IP peers (engine thread); forget trunks no longer there."""
        peers = [p for p in self.board.directory.trunks.values() if p.kind == "peer"]
        for name in set(self.state) - {p.name for p in peers}:
            del self.state[name]
        return peers

    def _probed(self, name: str, code: int | None, rtt_ms: int) -> None:
        """Apply one probe's answer (engine thread); announce a change."""
        before = self.state.get(name, Reachability())
        after = before.probed(code, rtt_ms, time.time())
        self.state[name] = after
        if after.is_news(before):
            self.board.writer.event("", after.event, {"trunk": name, **after.as_dict()}, leg=name)
            log.info("trunk %s: %s (%s)", name, after.state, code or "no answer")
