"""Bring up a real box on loopback for end-to-end tests and benchmarks.

`Box` picks free ports, initialises a store with the demo data in a temporary
folder, starts Kamailio and the engine as real processes, and offers helpers:
agent phones (`AgentPhone`, a pjsua2 UA process), SIPp callers, and reads of
the events and CDRs the box wrote.  Only loopback addresses are used.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from appliance import demo
from appliance.config import Settings, load
from appliance.engine.control import ControlClient, ControlError
from appliance.prompts.manager import generate_missing
from appliance.sipedge import options
from appliance.sipedge.manager import Kamailio
from appliance.store.manager import open_store
from appliance.store.models import Queue, Trunk

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios"
AGENT_UA = Path(__file__).with_name("agent_ua.py")
RTP_SPAN = 104  # ports a test phone may take from its base (agent_ua: portRange 100, + RTCP)


def free_port(kind: int = socket.SOCK_DGRAM, both: bool = True) -> int:
    """Return a loopback port free for UDP (and TCP when both)."""
    for _ in range(200):
        port = random.randint(21000, 59000)
        kinds = (socket.SOCK_DGRAM, socket.SOCK_STREAM) if both else (kind,)
        if all(_bindable(port, k) for k in kinds):
            return port
    raise RuntimeError("no free port found")


def _bindable(port: int, kind: int) -> bool:
    """Return true if 127.0.0.1:port can be bound for kind."""
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, step: float = 0.1) -> Any:
    """Return predicate()'s first truthy value, or raise TimeoutError naming what."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


class AgentPhone:
    """A registered agent phone (pjsua2 UA process) and the events it printed."""

    def __init__(
        self,
        box: Box,
        extension: str,
        answer_ms: int = 300,
        tone_hz: int = 1000,
        record: bool = False,
        call: str = "",
        talk_ms: int = 0,
        dtmf: tuple[str, ...] = (),
        xfer: str = "",
    ) -> None:
        password = box.agent_password(extension)
        self.extension = extension
        self.lines: list[dict[str, Any]] = []
        self.log = box.var / f"agent-{extension}.log"
        self.recordings = box.var / f"heard-{extension}"
        args = [sys.executable, str(AGENT_UA), "--extension", extension, "--password", password,
                "--registrar", f"127.0.0.1:{box.settings.sip.port}", "--port", str(free_port()),
                "--rtp-port", str(box.next_rtp()), "--answer-ms", str(answer_ms),
                "--tone", str(box.tone(tone_hz)), "--call", call,
                "--talk-ms", str(talk_ms)]  # fmt: skip
        for keys in dtmf:
            args += ["--dtmf", keys]
        if xfer:
            args += ["--xfer", xfer]
        if record:
            self.recordings.mkdir(exist_ok=True)
            args += ["--record", str(self.recordings)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log.open("wb"),
                                     text=True, bufsize=1)  # fmt: skip

    def read_until(self, event: str, timeout: float = 10) -> dict[str, Any]:
        """Return the next line with this event (reading and keeping every line)."""
        end = time.monotonic() + timeout
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not line.startswith("{"):
                continue  # pjlib's own banner
            self.lines.append(json.loads(line))
            if self.lines[-1]["event"] == event:
                return self.lines[-1]
            if time.monotonic() > end:
                break
        raise TimeoutError(f"agent {self.extension}: no {event!r}; saw {self.lines}")

    def stop(self) -> None:
        """Unregister and end the phone process."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Box:
    """Kamailio and the engine on free loopback ports with the demo data."""

    def __init__(self, var: Path, prompts: Path | None = None, **overrides: str) -> None:
        self.var = var
        self._rtp_given: list[int] = []  # RTP bases handed to phones and SIPp (next_rtp)
        self._phones: dict[str, int] = {}  # extension -> phones of this harness registered now
        self.env = {
            **os.environ,
            "CALLBOX_CONFIG": str(var / "no-such-config.yml"),
            "CALLBOX_PATHS__VAR": str(var),
            "CALLBOX_SIP__PORT": str(free_port()),
            "CALLBOX_ENGINE__PORT": str(free_port()),
            "CALLBOX_ENGINE__TRUNK_PORT": str(free_port()),
            "CALLBOX_ENGINE__RTP_PORT": str(random.randrange(30000, 50000, 2)),
            "CALLBOX_ENGINE__RTP_PORT_RANGE": "4000",
            # No OPTIONS to IP-peer trunks: a test's SIPp carrier expects its INVITE and
            # would abort on a probe.  The reachability test turns it on for its own box.
            "CALLBOX_ENGINE__TRUNK_QUALIFY_SECONDS": "0",
            **overrides,
        }
        if prompts is not None:
            self.env["CALLBOX_PATHS__PROMPTS"] = str(prompts)
        self.settings: Settings = load(env=self.env)
        self.kamailio: subprocess.Popen[bytes] | None = None
        self.engine: subprocess.Popen[bytes] | None = None
        self.demo: dict[str, Any] = {}

    def init(self) -> None:
        """Create the store with the demo data and the prompts."""
        open_store(self.settings)
        demo.load_demo(self.settings)
        self.demo = json.loads((self.var / "demo.json").read_text())
        generate_missing(self.settings.paths.prompts)

    def start(self) -> None:
        """Start Kamailio and the engine and wait until both answer."""
        self.start_kamailio()
        self.start_engine()

    def start_kamailio(self) -> None:
        """Start Kamailio with its config rendered from the store."""
        edge = Kamailio(self.settings)
        edge.prepare()
        log = (self.var / "kamailio.log").open("ab")
        self.kamailio = subprocess.Popen(edge.argv(), stdout=log, stderr=log, env=self.env)
        wait_for(lambda: options.ping("127.0.0.1", self.settings.sip.port, 0.3), 10, "kamailio")

    def start_engine(self) -> None:
        """Start the engine process and wait for its control socket."""
        log = (self.var / "engine.log").open("ab")
        self.engine = subprocess.Popen([sys.executable, "-m", "appliance.engine"], cwd=ROOT,
                                       stdout=log, stderr=log, env=self.env)  # fmt: skip
        wait_for(self._engine_up, 15, "engine control socket")

    def _engine_up(self) -> bool:
        """Return true once the engine answers ping."""
        assert self.engine is not None
        if self.engine.poll() is not None:
            raise RuntimeError(f"engine exited {self.engine.returncode}: {self.log_tail('engine')}")
        try:
            self.control.call("ping")
        except ControlError:
            return False
        return True

    def log_tail(self, name: str, lines: int = 20) -> str:
        """Return the last lines of a process log."""
        path = self.var / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def control(self) -> ControlClient:
        """Return a client of the engine's control socket."""
        return ControlClient(self.settings.engine.control_socket, timeout=5)

    def stop(self) -> None:
        """Stop the engine and Kamailio."""
        for proc in (self.engine, self.kamailio):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.engine, self.kamailio):
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def agent_password(self, extension: str) -> str:
        """Return a demo agent's SIP password."""
        return next(a["sip_password"] for a in self.demo["agents"] if a["extension"] == extension)

    def next_rtp(self) -> int:
        """Return a fresh even RTP port base for a test phone or a SIPp.

        The base and the three ports after it are free now (SIPp binds RTP, RTCP and a
        video pair), and the base is away from the engine's RTP range and from every base
        handed out before (a test phone takes up to RTP_SPAN ports from its base).
        """
        engine = int(self.env["CALLBOX_ENGINE__RTP_PORT"])
        taken = [(engine, engine + int(self.env["CALLBOX_ENGINE__RTP_PORT_RANGE"]))]
        taken += [(b, b + RTP_SPAN) for b in self._rtp_given]
        for _ in range(200):
            base = free_port(both=False) // 2 * 2
            clear = all(base + RTP_SPAN <= low or base >= high for low, high in taken)
            if clear and all(_bindable(base + i, socket.SOCK_DGRAM) for i in range(4)):
                self._rtp_given.append(base)
                return base
        raise RuntimeError("no free RTP port range found")

    def tone(self, hz: int = 1000) -> Path:
        """Return a tone WAV the test phones send (1 kHz unless told)."""
        path = self.var / f"tone-{hz}.wav"
        if not path.exists():
            subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(path),
                            "synth", "60", "sine", str(hz), "vol", "0.3"], check=True)  # fmt: skip
        return path

    @contextlib.contextmanager
    def agent(self, extension: str, answer_ms: int = 300, **options: Any) -> Iterator[AgentPhone]:
        """Register an agent phone and wait until the engine sees it.

        options: tone_hz, record (keep what each call hears), call (numbers to dial,
        comma-separated, each after the previous call ended), talk_ms (hang up that long
        after answering), dtmf ("MS:DIGITS" keyed that long after answer), xfer
        ("MS:NUMBER": transfer the first answered call that long after answer).
        """
        if not self._phones.get(extension):
            # the engine polls the edge's registrations every second: an earlier phone of
            # this extension unregistering could otherwise be taken for this one
            gone = lambda: not self.agent_status(extension)["registered"]  # noqa: E731
            wait_for(gone, 10, "the last phone's end")
        self._phones[extension] = self._phones.get(extension, 0) + 1
        phone = AgentPhone(self, extension, answer_ms, **options)
        try:
            phone.read_until("registered")
            wait_for(lambda: self.agent_status(extension)["registered"], 10, "registration")
            yield phone
        finally:
            phone.stop()
            self._phones[extension] -= 1

    def agent_status(self, extension: str) -> dict[str, Any]:
        """Return the engine's view of one agent."""
        agents = self.control.call("agents")["agents"]
        return dict(next(a for a in agents if a["extension"] == extension))

    def sipp_args(
        self,
        scenario: str,
        number: str = "100",
        caller: str = "13800138000",
        timeout: float = 60,
        phone: bool = False,
        **sets: int,
    ) -> list[str]:
        """Return the SIPp command line of one call, from the demo trunk or a phone via the edge.

        scenario is a file of tests/scenarios by name, or a path ending in .xml.
        """
        port = self.settings.sip.port if phone else self.settings.engine.trunk_port
        args = [
            "sipp",
            f"127.0.0.1:{port}",
            "-sf",
            scenario if scenario.endswith(".xml") else str(SCENARIOS / f"{scenario}.xml"),
            "-s",
            number,
            "-key",
            "caller",
            caller,
            "-i",
            "127.0.0.1",
            "-p",
            str(free_port()),
            "-mp",
            str(self.next_rtp()),
            "-m",
            "1",
            "-l",
            "1",
            "-nostdin",
            "-timeout",
            f"{int(timeout)}s",
            "-timeout_error",
            "-trace_err",
            "-error_file",
            str(self.var / "sipp-errors.log"),
        ]
        if phone:
            args += ["-au", caller, "-ap", self.agent_password(caller)]
        for name, value in sets.items():
            args += ["-set", name, str(value)]
        return args

    def sipp(
        self, scenario: str, timeout: float = 60, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """Run one SIPp call and return the finished process."""
        args = self.sipp_args(scenario, timeout=timeout, **kwargs)
        return subprocess.run(
            args, capture_output=True, text=True, timeout=timeout + 15, cwd=self.var
        )

    def sipp_background(self, scenario: str, **kwargs: Any) -> subprocess.Popen[str]:
        """Start one SIPp call without waiting for it."""
        args = self.sipp_args(scenario, **kwargs)
        return subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, cwd=self.var
        )

    @contextlib.contextmanager
    def far_end(
        self, scenario: str = "trunk_answer", calls: int = 1, ring_ms: int | None = 500
    ) -> Iterator[tuple[subprocess.Popen[str], Path]]:
        """Run a SIPp far end on the demo trunk's address; yield it and its message trace.

        scenario: `trunk_answer` (rings ring_ms, answers, speaks), `trunk_busy` (486
        after ring_ms) or `agent_answer` (answers at once and echoes the RTP it gets,
        so a test hears its own tone come back; ring_ms None).  The demo trunk is
        pointed at it and the engine reloaded for the duration.
        """
        port = free_port()
        Trunk.update(port=port).where(Trunk.name == demo.TRUNK_NAME).execute()
        self.control.call("reload")
        extra = ["-rtp_echo"] if ring_ms is None else ["-set", "ring_ms", str(ring_ms)]
        with self.sipp_uas(scenario, port, calls, extra, "120s") as running:
            yield running

    @contextlib.contextmanager
    def sipp_uas(
        self, scenario: str, port: int, calls: int, extra: list[str], timeout: str = "30s"
    ) -> Iterator[tuple[subprocess.Popen[str], Path]]:
        """Run a SIPp UAS (a carrier) on 127.0.0.1:port; yield it and its message trace.

        scenario is a file of tests/scenarios by name, or a path ending in .xml.
        """
        path = scenario if scenario.endswith(".xml") else str(SCENARIOS / f"{scenario}.xml")
        trace = self.var / f"far-end-{Path(path).stem}-{port}-{time.monotonic_ns()}.log"
        args = ["sipp", "-sf", path, "-i", "127.0.0.1",
                "-p", str(port), "-mp", str(self.next_rtp()), "-m", str(calls), "-nostdin",
                "-timeout", timeout, "-timeout_error",
                "-trace_msg", "-message_file", str(trace), *extra]  # fmt: skip
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                text=True, cwd=self.var)  # fmt: skip
        try:
            yield proc, trace
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()

    def set_queue(self, name: str = "support", **fields: object) -> None:
        """Change a queue in the store and apply it live."""
        Queue.update(**fields).where(Queue.name == name).execute()
        self.control.call("reload")

    def live_call(self, timeout: float = 10) -> str:
        """Return the id of the first call in progress (waiting for one)."""
        calls = wait_for(lambda: self.control.call("calls")["calls"], timeout, "a live call")
        return str(calls[0]["call_id"])

    def kinds(self, call_id: str) -> list[str]:
        """Return the kinds of a call's events, in order."""
        return [e["kind"] for e in self.events(call_id)]

    def db(self) -> sqlite3.Connection:
        """Return a read connection to the store."""
        conn = sqlite3.connect(self.settings.paths.database, timeout=10)
        conn.row_factory = sqlite3.Row
        return conn

    def cdrs(self) -> list[dict[str, Any]]:
        """Return all CDRs, oldest first."""
        with contextlib.closing(self.db()) as conn:
            return [dict(r) for r in conn.execute("SELECT * FROM cdr ORDER BY id")]

    def wait_cdr(self, count: int = 1, timeout: float = 30) -> dict[str, Any]:
        """Wait for the count-th CDR and return it."""
        rows = wait_for(lambda: len(self.cdrs()) >= count and self.cdrs(), timeout, "a CDR")
        return dict(rows[count - 1])

    def events(self, call_id: str) -> list[dict[str, Any]]:
        """Return a call's events in order, data parsed."""
        with contextlib.closing(self.db()) as conn:
            rows = conn.execute(
                "SELECT * FROM call_event WHERE call_id = ? ORDER BY id", (call_id,)
            )
            return [{**dict(r), "data": json.loads(r["data"])} for r in rows]


@contextlib.contextmanager
def running_box(var: Path, prompts: Path | None = None, **overrides: str) -> Iterator[Box]:
    """Yield a box with the demo data, Kamailio and the engine running; stop them after."""
    box = Box(var, prompts, **overrides)
    box.init()
    box.start()
    try:
        yield box
    finally:
        box.stop()
