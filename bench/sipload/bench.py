"""Hold one run's state: its box, its SIPp instances, its deadline and what it measured."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from boxharness import Box

from .const import ENGINE_RTP_RANGE, REGISTER_RATE
from .exceptions import RunBroke
from .options import Options
from .ports import media_ports
from .probe import Probe, Sample
from .sipp import stop_process


class Bench:
    """One benchmark run: the box, the SIPp instances and what was measured."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.started = time.monotonic()
        self.deadline = self.started + (opts.deadline or self.default_deadline())
        self.var = opts.var or Path(tempfile.mkdtemp(prefix="callbox-bench-"))
        self.var.mkdir(parents=True, exist_ok=True)
        # RTP ports in three separate stretches: SIPp's rtpstream binds a new port pair per
        # call upwards from -mp, and pjsua gives up on a call after 100 busy ports in a row.
        self.ports = media_ports()
        self.box = Box(self.var, **engine_overrides(opts, self.ports["engine"]))
        self.agents: list[tuple[str, str]] = []  # (extension, password)
        self.uas: subprocess.Popen[bytes] | None = None
        self.caller: subprocess.Popen[bytes] | None = None
        self.probe: Probe | None = None
        self.samples: list[Sample] = []
        self.thread_names: dict[int, str] = {}
        self.setup_seconds = 0.0
        self.result: dict[str, Any] = {}
        self.notes: list[str] = []
        self.logs: list[Any] = []

    def default_deadline(self) -> float:
        """Return a generous overall bound for this run's load."""
        o = self.opts
        calls = o.calls or o.concurrency
        return 60 + o.agents / REGISTER_RATE * 2 + calls / o.rate + o.hold + 30

    def left(self) -> float:
        """Return the seconds left before the overall deadline."""
        return self.deadline - time.monotonic()

    def check_deadline(self, what: str) -> None:
        """Raise RunBroke once the deadline has passed."""
        if self.left() <= 0:
            raise RunBroke(f"overall deadline passed while {what}")

    def open_log(self, name: str) -> Any:
        """Return a log file in the working folder, closed when the run stops."""
        handle = (self.var / name).open("wb")
        self.logs.append(handle)
        return handle

    def spawn_sipp(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        """Start a SIPp instance in the working folder, its stderr logged and its CPU watched."""
        log = self.open_log(log_name)
        proc = subprocess.Popen(args, cwd=self.var, stdout=subprocess.DEVNULL, stderr=log)
        assert self.probe is not None
        self.probe.watch("sipp", proc.pid)
        return proc

    def say(self, text: str) -> None:
        """Print progress unless quiet."""
        if not self.opts.quiet:
            print(f"[{time.monotonic() - self.started:6.1f} s] {text}", flush=True)

    def describe(self) -> str:
        """Return the run's parameters in words."""
        o = self.opts
        load = (
            f"{o.calls} calls at {o.rate:g}/s"
            if o.mode == "throughput"
            else f"{o.concurrency} concurrent (ramp {o.rate:g}/s)"
        )
        rec = "recording on" if o.record else "recording off"
        return f"{load}, talk {o.hold:g} s, {rec}, {o.agents} agents"

    def stop(self) -> None:
        """Stop everything this run started (by process id)."""
        stop_process(self.caller)
        stop_process(self.uas)
        self.box.stop()
        for handle in self.logs:
            handle.close()


def engine_overrides(opts: Options, rtp_port: int) -> dict[str, str]:
    """Return the engine's environment settings for this run: its RTP stretch, recording."""
    overrides = {
        "CALLBOX_ENGINE__RTP_PORT": str(rtp_port),
        "CALLBOX_ENGINE__RTP_PORT_RANGE": str(ENGINE_RTP_RANGE),
    }
    if not opts.record:
        overrides["CALLBOX_ENGINE__RECORD_CALLS"] = "false"
    return overrides
