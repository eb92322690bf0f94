"""The engine's single pjsua2 thread: endpoint set-up, the event loop, jobs and timers.

pjsua2 is driven from one thread only (DESIGN §5): `threadCnt=0`,
`mainThreadOnly=True`, and a loop around `libHandleEvents(10)`.  Other threads
(control socket, registration poller, event writer) never call pjsua2; they hand
work in with `submit`, which the loop runs between polls.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import pjsua2 as pj

from appliance.config import Settings
from appliance.engine.legs import Endpoint

log = logging.getLogger(__name__)
POLL_MS = 10


class EngineStartError(Exception):
    """The engine cannot start; the message says why and what to do."""


def _nothing() -> None:
    """Do nothing (what a cancelled timer calls)."""


@dataclass(order=True)
class Timer:
    """A callback due at a time; cancel() stops it from running."""

    due: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        """Stop the timer from firing, and let go of what its callback holds now.

        A cancelled timer stays in the heap until its due time (a queue's maximum wait
        can be minutes); keeping its closure would keep the whole finished call alive.
        """
        self.cancelled = True
        self.callback = _nothing


class Reactor:
    """Own the pjsua2 endpoint and run everything that touches it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ep = Endpoint()
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._timers: list[Timer] = []
        self._seq = itertools.count()
        self.running = False
        self.edge_transport = -1
        self.trunk_transport = -1

    def start(self) -> None:
        """Create, configure and start the library with the edge and trunk transports."""
        e = self.settings.engine
        self.ep.libCreate()
        self.ep.libInit(self._ep_config())
        self.ep.audDevManager().setNullDev()
        self.edge_transport = self._udp(e.listen, e.port, "engine.port")
        self.trunk_transport = self._udp(e.trunk_listen, e.trunk_port, "engine.trunk_port")
        self.ep.libStart()
        self._prefer_g711()
        self.ep.edge_address = f"{self.settings.sip.listen}:{self.settings.sip.port}"
        self.running = True

    def _ep_config(self) -> pj.EpConfig:
        """Return the endpoint configuration for a server with no sound device."""
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = 2000
        cfg.uaConfig.userAgent = "callbox"
        cfg.logConfig.level = self.settings.engine.log_level
        cfg.logConfig.consoleLevel = self.settings.engine.log_level
        med = cfg.medConfig
        # G.711 at 8 kHz end to end: the bridge never resamples.
        med.clockRate = 8000
        med.sndClockRate = 8000
        med.channelCount = 1
        med.audioFramePtime = 20
        med.maxMediaPorts = 6000
        med.noVad = True  # keep 50 packets/s per leg, no silence suppression
        med.ecTailLen = 0  # no echo canceller on a server
        med.threadCnt = 1
        return cfg

    def _udp(self, host: str, port: int, setting: str) -> int:
        """Create a UDP SIP transport bound to host:port and return its id."""
        cfg = pj.TransportConfig()
        cfg.port = port
        cfg.boundAddress = host
        cfg.publicAddress = host
        try:
            return int(self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, cfg))
        except pj.Error as exc:
            raise EngineStartError(
                f"cannot listen on {host}:{port}/udp ({exc.reason}): another program holds "
                f"it or the address is not local; stop it or set {setting}"
            ) from None

    def _prefer_g711(self) -> None:
        """Offer PCMU and PCMA only: cheap to bridge and record."""
        for codec in self.ep.codecEnum2():
            wanted = codec.codecId.split("/")[0] in ("PCMU", "PCMA")
            self.ep.codecSetPriority(codec.codecId, 0 if not wanted else 200)
        self.ep.codecSetPriority("PCMU/8000", 255)

    def submit(self, fn: Callable[[], Any]) -> Future[Any]:
        """Run fn on the engine thread (from any thread); return its future."""
        future: Future[Any] = Future()

        def job() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except Exception as exc:
                    future.set_exception(exc)

        self._jobs.put(job)
        return future

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run callback on the engine thread after delay seconds."""
        timer = Timer(time.monotonic() + delay, next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        return timer

    def run(self, should_stop: Callable[[], bool]) -> None:
        """Poll SIP and media events, jobs and timers until should_stop() is true."""
        while not should_stop():
            self.ep.libHandleEvents(POLL_MS)
            self.run_pending()

    def run_pending(self) -> None:
        """Run queued jobs and due timers."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            job()
        now = time.monotonic()
        while self._timers and self._timers[0].due <= now:
            timer = heapq.heappop(self._timers)
            if not timer.cancelled:
                self._safely(timer.callback)

    @staticmethod
    def _safely(callback: Callable[[], None]) -> None:
        """Run a timer callback, logging instead of raising."""
        try:
            callback()
        except Exception:
            log.exception("timer callback failed")

    def drain(self, seconds: float) -> None:
        """Keep polling for a while (lets BYEs and final responses go out)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ep.libHandleEvents(POLL_MS)
            self.run_pending()

    def destroy(self) -> None:
        """Destroy the library (every pjsua2 object must already be gone).

        Calls were hung up and their BYEs answered while draining, and registering
        trunks' accounts were shut down (their un-REGISTERs sent), so the library's
        own second of waiting for answers (unregistrations, ICE and TURN shutdown)
        is skipped: a carrier's registration then lapses at its expiry at worst.
        """
        self.running = False
        self._timers.clear()
        self.ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)
