"""SIP load benchmark: real callers through the IVR and queue to agents, bridged and recorded.

Brings up a box (Kamailio + the engine, `tests/support/boxharness.Box`) in a temporary
folder on loopback, adds N agents to queue `support`, registers them through Kamailio with
SIPp, answers their calls with a second SIPp instance (UAS, RTP echo), and drives callers
with a third (UAC, continuous RTP, DTMF 2 into the queue) at the trunk.  It measures the
engine's CPU (psutil), the calls held, failures, RTP counts and loss from the `call.ended`
events, and prints a table and one summary line.  See bench/README.md.

Two modes:
  --concurrency C [--rate R] [--hold S]   ramp to C bridged calls at R/s, hold them S s
  --calls M --rate R [--hold S]           throughput: M calls at R/s, each talking S s

Every run is bounded: SIPp's own -m/-l/-timeout, and an overall deadline (--deadline) after
which everything is stopped.  The exit status is non-zero only if the run itself broke
(box did not start, agents did not register, the engine died, the deadline passed), never
for a slow result.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests" / "support"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from boxharness import SCENARIOS, Box, free_port  # noqa: E402

from appliance.engine.control import ControlError  # noqa: E402
from appliance.engine.media import wav_seconds  # noqa: E402
from appliance.store import db  # noqa: E402
from appliance.store.models import Agent, Queue, QueueMember  # noqa: E402

DTMF_PCAP = Path("/usr/share/sip-tester/dtmf_2833_2.pcap")  # played by bench_caller.xml
AUDIO_FILE = "bench_caller.alaw"  # bench_caller.xml streams it from SIPp's working folder
FIRST_EXTENSION = 3000
QUEUE = "support"
NUMBER = "100"
DTMF_TO_RTP_MS = 300  # bench_caller.xml's pause between the digit and the stream
POLL_SECONDS = 0.5
SETUP_MARGIN = 0.25  # seconds from the end of the greeting to bridged (measured ≈10 ms idle)
REGISTER_RATE = 100
ENGINE_RTP_RANGE = 8000  # the engine's default; 2 ports per leg, reused as calls end
# Targets of the issue (printed next to the figures, never turned into an exit status).
TARGET_CONCURRENT = 200
TARGET_CPU_PERCENT = 45.0
TARGET_PPS = 50.0
TARGET_PPS_TOLERANCE = 0.98  # 49 packets/s per leg counts as 50
TARGET_RATE = 100.0
LEG_RATES = ("caller_rx", "caller_tx", "agent_rx", "agent_tx")


class RunBroke(Exception):
    """The benchmark itself could not run (not a slow result)."""


# --- options ------------------------------------------------------------------------------


@dataclass
class Options:
    """What one benchmark run does."""

    concurrency: int = 0  # concurrency mode when > 0
    calls: int = 0  # throughput mode when > 0
    rate: float = 0.0  # calls per second (0: 20 in concurrency mode, 100 in throughput mode)
    hold: float = -1.0  # talk seconds per call (-1: 30 concurrency, 3 throughput)
    record: bool = True
    agents: int = 0  # 0: derived from the load
    deadline: float = 0.0  # overall seconds (0: derived)
    dtmf_ms: int = 300  # after answer; the IVR keeps typed-ahead digits for its menu
    var: Path | None = None  # working folder (default: a new temporary folder)
    keep: bool = False  # keep the working folder (it is always kept when the run broke)
    json_path: Path | None = None
    quiet: bool = False

    @property
    def mode(self) -> str:
        """Return "throughput" or "concurrency"."""
        return "throughput" if self.calls > 0 else "concurrency"

    def resolve(self) -> Options:
        """Fill in the mode-dependent defaults; raise ValueError for a bad combination."""
        if self.calls > 0 and self.concurrency > 0:
            raise ValueError("give --concurrency or --calls, not both")
        if self.calls <= 0 and self.concurrency <= 0:
            self.concurrency = TARGET_CONCURRENT
        throughput = self.mode == "throughput"
        if self.rate <= 0:
            self.rate = TARGET_RATE if throughput else 20.0
        if self.hold < 0:
            self.hold = 3.0 if throughput else 30.0
        if self.agents <= 0:
            if throughput:  # agents busy at once ≈ rate × (talk + ring/teardown), plus slack
                self.agents = math.ceil(self.rate * (self.hold + 1.0) * 1.3) + 10
                self.agents = min(self.agents, self.calls + 5)
            else:
                self.agents = self.concurrency + max(5, self.concurrency // 10)
        return self


# --- measurements -------------------------------------------------------------------------


@dataclass
class Sample:
    """One poll of the engine and the processes around it."""

    at: float
    engine_cpu: float  # seconds of CPU (user + system) since the engine started
    rss: int
    talking: int
    calls: int
    control_ms: float  # round trip of the `calls` control command (-1: failed)
    machine_busy: float = 0.0  # CPU seconds all cores spent not idle (other programs too)
    machine_steal: float = 0.0  # CPU seconds the hypervisor gave to other guests
    helpers_cpu: float = 0.0  # CPU seconds of Kamailio and the SIPp instances
    threads: dict[int, float] = field(default_factory=dict)  # tid -> CPU seconds


class Probe:
    """CPU, memory and call counts of a running box."""

    def __init__(self, box: Box) -> None:
        assert box.engine is not None and box.kamailio is not None
        self.box = box
        self.engine = psutil.Process(box.engine.pid)
        kamailio = psutil.Process(box.kamailio.pid)
        self.kamailio = [kamailio, *kamailio.children(recursive=True)]
        self.others: dict[str, list[psutil.Process]] = {
            "kamailio": self.kamailio,
            "bench": [psutil.Process()],  # this process: polling, parsing
        }
        self.last_cpu: dict[int, float] = {}  # pid -> CPU seconds when last seen alive
        self.control_failures = 0

    def watch(self, name: str, pid: int) -> None:
        """Also account the CPU of another process (a SIPp instance)."""
        with contextlib.suppress(psutil.Error):
            self.others.setdefault(name, []).append(psutil.Process(pid))

    def cpu_of(self, name: str) -> float:
        """Return the CPU seconds used so far by a group of watched processes.

        A process that has exited counts with what it had used when last seen.
        """
        total = 0.0
        for proc in self.others.get(name, []):
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                self.last_cpu[proc.pid] = times.user + times.system
            total += self.last_cpu.get(proc.pid, 0.0)
        return total

    def sample(self, with_calls: bool = True) -> Sample:
        """Return one sample (the engine's calls are listed through the control socket)."""
        times = self.engine.cpu_times()
        threads = {t.id: t.user_time + t.system_time for t in self.engine.threads()}
        rss = self.engine.memory_info().rss
        helpers = sum(self.cpu_of(name) for name in self.others)  # also remembers SIPp's
        talking = calls = 0
        control_ms = 0.0
        if with_calls:
            started = time.monotonic()
            try:
                listed = self.box.control.call("calls")["calls"]
            except (ControlError, OSError):
                self.control_failures += 1
                control_ms = -1.0
            else:
                control_ms = (time.monotonic() - started) * 1000
                calls = len(listed)
                talking = sum(1 for c in listed if c.get("state") == "talking")
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return Sample(
            time.monotonic(),
            times.user + times.system,
            rss,
            talking,
            calls,
            control_ms,
            machine_busy=busy,
            machine_steal=getattr(machine, "steal", 0.0),
            helpers_cpu=helpers,
            threads=threads,
        )

    def thread_names(self, before_calls: set[int]) -> dict[int, str]:
        """Return names for the engine's threads.

        pjlib threads are all called "python" by the OS: the main thread is the reactor
        (SIP, Python), a thread that appeared with the calls is pjmedia's conference clock
        (mixing, encoding, sending, recording); the others go by thread id.
        """
        names = {}
        for tid in (t.id for t in self.engine.threads()):
            if tid == self.engine.pid:
                names[tid] = "main"
            elif tid not in before_calls:
                names[tid] = f"clock/{tid}"
            else:
                names[tid] = f"tid {tid}"
        return names


def cpu_percent(first: Sample, last: Sample) -> float:
    """Return the engine's CPU between two samples, in % of one core."""
    seconds = last.at - first.at
    return 100.0 * (last.engine_cpu - first.engine_cpu) / seconds if seconds > 0 else 0.0


def steady_window(samples: list[Sample], target: int) -> tuple[int, int, int]:
    """Return (first, last, level): the longest run of samples holding the most calls.

    The level is the target, or the most calls seen if the target was never reached.
    """
    level = min(target, max((s.talking for s in samples), default=0))
    best = (0, -1)
    start = None
    for i, s in enumerate([*samples, Sample(0, 0, 0, -1, 0, 0)]):
        if s.talking >= level > 0:
            start = i if start is None else start
        elif start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best[0], best[1], level


# --- SIPp ---------------------------------------------------------------------------------


def sipp_stats(path: Path) -> dict[str, Any]:
    """Return SIPp's cumulative counters from its statistics file ({} if none).

    Also the response time (first rtd: INVITE→200 OK for callers), mean over the run and
    the worst one-second period, in ms.
    """
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return {}
    rows = list(csv.reader(lines, delimiter=";"))
    if len(rows) < 2:
        return {}
    wanted = {
        "TotalCallCreated": "created",
        "CurrentCall": "current",
        "SuccessfulCall(C)": "successful",
        "FailedCall(C)": "failed",
        "FailedUnexpectedMessage(C)": "failed_unexpected",
        "FailedMaxUDPRetrans(C)": "failed_retrans",
        "FailedCallRejected(C)": "failed_rejected",
        "Retransmissions(C)": "retransmissions",
        "DeadCallMsgs(C)": "dead_call_msgs",
    }
    header, last = rows[0], rows[-1]
    out: dict[str, Any] = {}
    for name, key in wanted.items():
        if name in header:
            with contextlib.suppress(ValueError, IndexError):
                out[key] = int(last[header.index(name)])
    if "ResponseTime1(C)" in header:
        column = header.index("ResponseTime1(C)")
        periodic = header.index("ResponseTime1(P)")
        with contextlib.suppress(ValueError, IndexError):
            out["response_ms_mean"] = sipp_ms(last[column])
            out["response_ms_worst_second"] = max(sipp_ms(r[periodic]) for r in rows[1:])
    return out


def sipp_ms(text: str) -> float:
    """Return SIPp's HH:MM:SS:micro duration in milliseconds."""
    h, m, s, micro = (int(x) for x in text.split(":"))
    return round(((h * 60 + m) * 60 + s) * 1000 + micro / 1000, 1)


def stop_process(proc: subprocess.Popen[Any] | None, first: int = signal.SIGUSR1) -> None:
    """Stop a process we started: a polite signal, then SIGKILL after a few seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(first)  # SIPp: SIGUSR1 quits like pressing q (statistics are written)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def sipp_base(var: Path, scenario: str, name: str, timeout: float) -> list[str]:
    """Return the SIPp arguments every instance shares (loopback, bounded, statistics)."""
    return [
        "sipp",
        "-sf",
        str(SCENARIOS / f"{scenario}.xml"),
        "-i",
        "127.0.0.1",
        "-p",
        str(free_port()),
        "-nostdin",
        "-timeout",
        f"{max(1, int(timeout))}s",
        "-trace_err",
        "-error_file",
        str(var / f"{name}-errors.log"),
        "-trace_stat",
        "-stf",
        str(var / f"{name}-stats.csv"),
        "-fd",
        "1",
    ]


# --- the run ------------------------------------------------------------------------------


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
        overrides = {
            "CALLBOX_ENGINE__RTP_PORT": str(self.ports["engine"]),
            "CALLBOX_ENGINE__RTP_PORT_RANGE": str(ENGINE_RTP_RANGE),
        }
        if not opts.record:
            overrides["CALLBOX_ENGINE__RECORD_CALLS"] = "false"
        self.box = Box(self.var, **overrides)
        self.agents: list[tuple[str, str]] = []
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

    def say(self, text: str) -> None:
        """Print progress unless quiet."""
        if not self.opts.quiet:
            print(f"[{time.monotonic() - self.started:6.1f} s] {text}", flush=True)

    # --- set-up ---

    def bring_up(self) -> None:
        """Create the store with the demo and N bench agents, start Kamailio and the engine."""
        for tool in ("sipp", "kamailio", "sox"):
            if shutil.which(tool) is None:
                raise RunBroke(f"{tool} is not installed (make deps deps-test)")
        if not DTMF_PCAP.is_file():
            raise RunBroke(f"{DTMF_PCAP} is missing (Debian's sip-tester ships it)")
        self.box.init()
        alphabet = string.ascii_letters + string.digits
        # Never "0x…": SIPp reads such a password as hex, the digest is wrong and Kamailio says 403.
        self.agents = [
            (str(FIRST_EXTENSION + i), "pw" + "".join(secrets.choice(alphabet) for _ in range(14)))
            for i in range(self.opts.agents)
        ]
        support = Queue.get(Queue.name == QUEUE)
        with db.atomic():
            for ext, password in self.agents:
                agent = Agent.create(
                    extension=ext,
                    name=f"Bench {ext}",
                    sip_password=password,
                    state="ready",
                    auto_ready=True,
                )
                QueueMember.create(queue=support, agent=agent)
        self.box.start()  # Kamailio's subscriber table is synced from the store here
        self.probe = Probe(self.box)
        self.say(
            f"box up in {self.var} (engine pid {self.box.engine.pid if self.box.engine else 0})"
        )

    def start_agents(self) -> None:
        """Start the agents' phones (one SIPp UAS) and register every agent through Kamailio."""
        port = free_port()
        media = self.ports["agents"]
        args = sipp_base(self.var, "agent_answer", "agents", self.left())
        args[args.index("-p") + 1] = str(port)
        args += ["-mp", str(media), "-rtp_echo"]
        log = self.open_log("agents-sipp.log")
        self.uas = subprocess.Popen(args, cwd=self.var, stdout=subprocess.DEVNULL, stderr=log)
        assert self.probe is not None
        self.probe.watch("sipp", self.uas.pid)
        began = time.monotonic()
        missing = [ext for ext, _ in self.agents]
        for attempt in (1, 2):
            self.register([a for a in self.agents if a[0] in missing], port, attempt)
            missing = self.wait_registered(timeout=10 + len(missing) / 50)
            if not missing:
                break
            self.notes.append(f"registration attempt {attempt}: {len(missing)} not registered")
        if missing:
            raise RunBroke(f"{len(missing)} agents did not register, e.g. {missing[:5]}")
        self.result["register_seconds"] = round(time.monotonic() - began, 2)
        self.say(f"{len(self.agents)} agents registered in {self.result['register_seconds']} s")

    def register(self, agents: list[tuple[str, str]], uas_port: int, attempt: int) -> None:
        """REGISTER agents with digest auth through Kamailio (one SIPp run, bounded)."""
        inf = self.var / f"agents-{attempt}.csv"
        inf.write_text(
            "SEQUENTIAL\n"
            + "".join(f"{e};{p};[authentication username={e} password={p}]\n" for e, p in agents)
        )
        timeout = min(self.left(), 20 + len(agents) / REGISTER_RATE * 2)
        args = sipp_base(self.var, "agent_register", f"register-{attempt}", timeout)
        args[1:1] = [f"127.0.0.1:{self.box.settings.sip.port}"]
        args += ["-inf", str(inf), "-key", "agent_port", str(uas_port)]
        args += ["-m", str(len(agents)), "-r", str(REGISTER_RATE), "-l", str(REGISTER_RATE)]
        done = subprocess.run(args, cwd=self.var, capture_output=True, timeout=timeout + 15)
        stats = sipp_stats(self.var / f"register-{attempt}-stats.csv")
        if done.returncode not in (0, 1):
            raise RunBroke(f"SIPp registration exited {done.returncode}: {done.stderr[-500:]!r}")
        if stats.get("failed"):
            self.notes.append(f"registration attempt {attempt}: SIPp failed {stats['failed']}")

    def wait_registered(self, timeout: float) -> list[str]:
        """Wait until the engine sees every agent registered; return those it does not."""
        wanted = {ext for ext, _ in self.agents}
        end = time.monotonic() + min(timeout, max(self.left(), 0))
        missing = sorted(wanted)
        while time.monotonic() < end:
            try:
                listed = self.box.control.call("agents")["agents"]
            except (ControlError, OSError):
                listed = []
            seen = {a["extension"] for a in listed if a["registered"]}
            missing = sorted(wanted - seen)
            if not missing:
                break
            time.sleep(0.5)
        return missing

    def caller_args(self) -> list[str]:
        """Return the caller SIPp command line for this mode."""
        o = self.opts
        welcome = wav_seconds(str(Path(self.box.settings.paths.prompts) / "en" / "welcome.wav"))
        setup = self.setup_seconds = welcome + SETUP_MARGIN  # greeting, queue, ring, answer
        if o.mode == "concurrency":
            ramp = (o.concurrency - 1) / o.rate
            talk_from_answer = setup + ramp + o.hold  # the first caller outlasts the ramp
            total, limit = o.concurrency, o.concurrency
        else:
            talk_from_answer = setup + o.hold
            total = o.calls
            limit = math.ceil(o.rate * (talk_from_answer + 10))
        hold_ms = int(talk_from_answer * 1000) - o.dtmf_ms - DTMF_TO_RTP_MS
        args = sipp_base(self.var, "bench_caller", "callers", self.left() - 20)
        args[1:1] = [f"127.0.0.1:{self.box.settings.engine.trunk_port}"]
        args += ["-s", NUMBER, "-key", "caller", "13800138000", "-mp", str(self.ports["callers"])]
        args += ["-r", f"{o.rate:g}", "-rp", "1000", "-l", str(limit), "-m", str(total)]
        args += ["-set", "dtmf_ms", str(o.dtmf_ms), "-set", "hold_ms", str(max(hold_ms, 0))]
        args += ["-timeout_error", "-max_socket", "50000"]
        self.result["caller_hold_ms"] = hold_ms
        return args

    # --- the load ---

    def drive(self) -> None:
        """Run the callers to the end, sampling the engine all along."""
        assert self.probe is not None and self.box.engine is not None
        audio = self.var / AUDIO_FILE  # a 20 s sweep, raw A-law, looped by SIPp
        sox = ["sox", "-n", "-r", "8000", "-c", "1", "-t", "al", str(audio)]
        subprocess.run(
            [*sox, "synth", "20", "sine", "300-3000", "vol", "0.3"], check=True, timeout=30
        )
        idle0 = self.probe.sample(with_calls=False)
        time.sleep(2.0)
        idle1 = self.probe.sample(with_calls=False)
        self.result["engine_cpu_idle_percent"] = round(cpu_percent(idle0, idle1), 2)
        others = (idle1.machine_busy - idle0.machine_busy) - (idle1.engine_cpu - idle0.engine_cpu)
        others -= idle1.helpers_cpu - idle0.helpers_cpu
        self.result["other_programs_before_percent"] = round(
            100 * max(0.0, others) / (idle1.at - idle0.at), 1
        )
        args = self.caller_args()
        (self.var / "callers-command.txt").write_text(" ".join(args) + "\n")
        self.say(f"callers start: {self.describe()}")
        before = {name: self.probe.cpu_of(name) for name in ("kamailio", "sipp", "bench")}
        first = self.probe.sample()
        self.samples.append(first)
        log = self.open_log("callers-sipp.log")
        self.caller = subprocess.Popen(args, cwd=self.var, stdout=subprocess.DEVNULL, stderr=log)
        self.probe.watch("sipp", self.caller.pid)
        last_report = time.monotonic()
        while self.caller.poll() is None:
            if self.box.engine.poll() is not None:
                raise RunBroke(f"engine exited {self.box.engine.returncode} under load")
            if self.uas is not None and self.uas.poll() is not None:
                raise RunBroke(f"the agents' SIPp exited {self.uas.returncode} (agents-*.log)")
            self.check_deadline("callers were running")
            time.sleep(POLL_SECONDS)
            self.samples.append(self.probe.sample())
            if time.monotonic() - last_report >= 5:
                s = self.samples[-1]
                self.say(f"calls {s.calls}, bridged {s.talking}, engine {self.recent_cpu():.0f} %")
                last_report = time.monotonic()
        self.result["caller_exit"] = self.caller.returncode
        if self.caller.returncode not in (0, 1):
            self.notes.append(f"caller SIPp exited {self.caller.returncode} (see callers-*.log)")
        created = sipp_stats(self.var / "callers-stats.csv").get("created", 0)
        self.wait_cdrs(created)
        self.samples.append(self.probe.sample())
        self.thread_names = self.probe.thread_names(set(idle1.threads))  # engine still runs
        self.result["engine_cpu_run_percent"] = round(cpu_percent(first, self.samples[-1]), 2)
        run_seconds = self.samples[-1].at - first.at
        self.result["run_seconds"] = round(run_seconds, 1)
        for name, used_before in before.items():
            used = self.probe.cpu_of(name) - used_before
            self.result[f"{name}_cpu_run_percent"] = round(100 * used / run_seconds, 1)

    def recent_cpu(self) -> float:
        """Return the engine CPU % over the last few samples."""
        recent = self.samples[-min(len(self.samples), 10) :]
        return cpu_percent(recent[0], recent[-1]) if len(recent) > 1 else 0.0

    def wait_cdrs(self, count: int) -> None:
        """Wait (bounded) until the engine has written a CDR for every call placed."""
        end = time.monotonic() + min(30.0, max(self.left(), 0))
        while time.monotonic() < end:
            if count_rows(self.box, "cdr") >= count:
                return
            time.sleep(0.5)
        self.notes.append(f"only {count_rows(self.box, 'cdr')} CDRs for {count} calls after 30 s")

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

    # --- results ---

    def collect(self) -> None:
        """Turn samples, SIPp statistics, CDRs and events into figures."""
        o, r = self.opts, self.result
        assert self.probe is not None
        caller = sipp_stats(self.var / "callers-stats.csv")
        agents = sipp_stats(self.var / "agents-stats.csv")
        r["sipp_callers"], r["sipp_agents"] = caller, agents
        cdrs = self.box.cdrs()
        outcomes = Counter(c["outcome"] for c in cdrs)
        r["cdr_outcomes"] = dict(outcomes)
        r["calls_placed"] = caller.get("created", 0)
        r["cdrs"] = len(cdrs)
        r["cdr_not_answered"] = sum(n for k, n in outcomes.items() if k != "answered")
        r["cdr_missing"] = max(0, r["calls_placed"] - len(cdrs))
        r["failed_calls"] = (
            caller.get("failed", 0)
            + agents.get("failed", 0)
            + r["cdr_not_answered"]
            + r["cdr_missing"]
        )
        r["max_bridged"] = max((s.talking for s in self.samples), default=0)
        r["max_calls"] = max((s.calls for s in self.samples), default=0)
        r["engine_rss_max_mb"] = round(max((s.rss for s in self.samples), default=0) / 2**20, 1)
        latencies = sorted(s.control_ms for s in self.samples if s.control_ms > 0)
        r["control_ms_median"] = round(statistics.median(latencies), 1) if latencies else None
        r["control_ms_max"] = round(latencies[-1], 1) if latencies else None
        r["control_failures"] = self.probe.control_failures
        self.collect_steady()
        self.collect_calls(cdrs)
        if o.mode == "throughput" and len(cdrs) > 1:
            starts = sorted(c["started_at"] for c in cdrs)
            span = starts[-1] - starts[0]
            r["achieved_rate"] = round((len(starts) - 1) / span, 1) if span > 0 else None
        r["targets"] = self.targets()
        r["notes"] = self.notes

    def collect_steady(self) -> None:
        """Find the steady window and the engine's CPU in it.

        Concurrency mode: the longest stretch with every call bridged.  Throughput mode:
        from the first call's expected end to the last call placed, when calls arrive and
        leave at the full rate.
        """
        o, r = self.opts, self.result
        if o.mode == "concurrency":
            first, last, level = steady_window(self.samples, o.concurrency)
        else:
            t0 = self.samples[0].at
            begin = t0 + self.setup_seconds + o.hold
            end = t0 + (o.calls - 1) / o.rate
            inside = [i for i, s in enumerate(self.samples) if begin <= s.at <= end]
            if len(inside) < 2:
                inside = list(range(len(self.samples)))
                self.notes.append("run too short for a steady window: the whole run is used")
            first, last = inside[0], inside[-1]
            level = round(statistics.median(s.talking for s in self.samples[first : last + 1]))
        r["steady_level"] = level
        if last <= first:
            r["steady_seconds"] = 0.0
            r["engine_cpu_steady_percent"] = None
            return
        a, b = self.samples[first], self.samples[last]
        seconds = b.at - a.at
        r["steady_seconds"] = round(seconds, 1)
        r["engine_cpu_steady_percent"] = round(cpu_percent(a, b), 2)
        cores = psutil.cpu_count() or 1
        r["cores"] = cores
        r["machine_busy_steady_percent"] = round(
            100 * (b.machine_busy - a.machine_busy) / seconds / cores, 1
        )
        r["machine_steal_steady_percent"] = round(
            100 * (b.machine_steal - a.machine_steal) / seconds / cores, 1
        )
        ours = (b.engine_cpu - a.engine_cpu) + (b.helpers_cpu - a.helpers_cpu)
        r["other_programs_steady_percent"] = round(
            100 * max(0.0, b.machine_busy - a.machine_busy - ours) / seconds, 1
        )
        names = self.thread_names
        per_thread = {
            names.get(tid, f"gone/{tid}"): round(100 * (used - a.threads.get(tid, 0)) / seconds, 2)
            for tid, used in b.threads.items()
        }
        r["engine_threads_steady_percent"] = dict(
            sorted(per_thread.items(), key=lambda kv: -kv[1])[:6]
        )

    def collect_calls(self, cdrs: list[dict[str, Any]]) -> None:
        """Figures from each call's events: set-up time, RTP counts, loss, packets/s per leg."""
        r = self.result
        by_call = {c["call_id"]: c for c in cdrs}
        started: dict[str, float] = {}
        bridged: dict[str, float] = {}
        rtp: dict[str, dict[str, dict[str, int]]] = {}
        with contextlib.closing(self.box.db()) as conn:
            rows = conn.execute(
                "SELECT call_id, kind, at, data FROM call_event WHERE kind IN"
                " ('call.started', 'bridge.joined', 'call.ended', 'agent.no_answer')"
            )
            unanswered: Counter[str] = Counter()
            for call_id, kind, at, data in rows:
                if kind == "agent.no_answer":
                    ring = json.loads(data)
                    unanswered[f"{ring.get('code')} {ring.get('reason')}"] += 1
                elif kind == "call.started":
                    started[call_id] = at
                elif kind == "bridge.joined":
                    bridged[call_id] = at
                else:
                    rtp[call_id] = json.loads(data).get("rtp") or {}
        r["agent_rings_not_answered"] = dict(unanswered)
        setups = sorted(bridged[c] - started[c] for c in bridged if c in started)
        r["setup_ms_median"] = round(1000 * statistics.median(setups)) if setups else None
        r["setup_ms_p95"] = round(1000 * percentile(setups, 0.95)) if setups else None
        r["calls_bridged"] = len(bridged)
        waits = [c["wait_seconds"] for c in cdrs]
        r["wait_seconds_max"] = round(max(waits), 2) if waits else None
        rx = tx = lost = 0
        no_rtp: list[str] = []
        rates: dict[str, list[float]] = {k: [] for k in LEG_RATES}
        stream_start = (self.opts.dtmf_ms + DTMF_TO_RTP_MS) / 1000
        for call_id, legs in rtp.items():
            caller, agent = legs.get("caller", {}), legs.get("agent", {})
            for leg in (caller, agent):
                rx += leg.get("rx", 0)
                tx += leg.get("tx", 0)
                lost += leg.get("lost", 0)
            cdr = by_call.get(call_id)
            if not caller.get("rx") or not agent.get("rx"):
                no_rtp.append(call_id)
                continue
            if cdr is None:
                continue
            # Both legs' counters are exact: the engine reads them before it hangs a leg up,
            # or when the far end's hang-up destroys the stream.
            talk = cdr["talk_seconds"]
            call = cdr["ended_at"] - cdr["started_at"]
            if talk > 1:
                rates["agent_rx"].append(agent["rx"] / talk)
                rates["agent_tx"].append(agent["tx"] / talk)
            if call - stream_start > 1:
                rates["caller_rx"].append(caller["rx"] / (call - stream_start))
                rates["caller_tx"].append(caller["tx"] / call)
        r["rtp_packets_rx"], r["rtp_packets_tx"], r["rtp_lost"] = rx, tx, lost
        r["rtp_loss_percent"] = round(100 * lost / (rx + lost), 3) if rx + lost else None
        r["calls_without_rtp_on_a_leg"] = len(no_rtp)
        r["calls_with_rtp_data"] = len(rtp)
        r["pps_median"] = {k: round(statistics.median(v), 1) for k, v in rates.items() if v}
        r["pps_p5"] = {
            k: round(sorted(v)[int(0.05 * (len(v) - 1))], 1) for k, v in rates.items() if v
        }

    def targets(self) -> dict[str, Any]:
        """Compare with the issue's targets where this run's shape matches them."""
        o, r = self.opts, self.result
        verdict: dict[str, Any] = {}
        if o.mode == "concurrency":
            applies = o.concurrency >= TARGET_CONCURRENT and o.record
            cpu = r.get("engine_cpu_steady_percent")
            median, p5 = r.get("pps_median", {}), r.get("pps_p5", {})
            floor = TARGET_PPS * TARGET_PPS_TOLERANCE
            verdict["applies"] = applies
            verdict["cpu_ok"] = cpu is not None and cpu < TARGET_CPU_PERCENT
            verdict["bridged_ok"] = r["steady_level"] >= o.concurrency
            verdict["failed_ok"] = r["failed_calls"] == 0
            # The caller's tx also counts the IVR, where the engine sends only while a
            # prompt plays, so it is shown but not judged.
            verdict["pps_ok"] = all(
                median.get(k, 0) >= floor for k in ("caller_rx", "agent_rx", "agent_tx")
            ) and all(p5.get(k, 0) >= floor for k in ("agent_rx", "agent_tx"))
        else:
            rate = r.get("achieved_rate") or 0
            verdict["applies"] = o.rate >= TARGET_RATE
            verdict["rate_ok"] = rate >= o.rate * 0.95
            verdict["failed_ok"] = r["failed_calls"] == 0
        verdict["met"] = all(v for k, v in verdict.items() if k.endswith("_ok"))
        return verdict

    # --- teardown ---

    def stop(self) -> None:
        """Stop everything this run started (by process id)."""
        stop_process(self.caller)
        stop_process(self.uas)
        self.box.stop()
        for handle in self.logs:
            handle.close()


def media_ports() -> dict[str, int]:
    """Return RTP port bases that do not overlap: agents' echo, engine range, callers."""
    for _ in range(100):
        ports = {
            "agents": random.randrange(12000, 19000, 2),
            "engine": random.randrange(20000, 40000 - ENGINE_RTP_RANGE, 2),
            "callers": random.randrange(41000, 50000, 2),  # room for 7500 calls above
        }
        if all(port_free(p) and port_free(p + 1) for p in ports.values()):
            return ports
    raise RunBroke("no free RTP ports found")


def port_free(port: int) -> bool:
    """Return true if UDP port on 127.0.0.1 can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which fraction of values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def count_rows(box: Box, table: str) -> int:
    """Return the number of rows of a store table (0 if it cannot be read now)."""
    try:
        with contextlib.closing(box.db()) as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


# --- output -------------------------------------------------------------------------------


def table(opts: Options, r: dict[str, Any]) -> str:
    """Return the figures as a plain-text table."""

    def pct(v: Any) -> str:
        return "n/a" if v is None else f"{v:.1f} %"

    def per_leg(rates: dict[str, float]) -> str:
        return " / ".join(str(rates.get(k, "n/a")) for k in LEG_RATES)

    pps, p5 = r.get("pps_median", {}), r.get("pps_p5", {})
    rows: list[tuple[str, str]] = [
        ("mode", r["mode"]),
        ("load", r["load"]),
        ("calls placed / CDRs", f"{r['calls_placed']} / {r['cdrs']}"),
        ("max bridged (talking) at once", f"{r['max_bridged']}  (max calls {r['max_calls']})"),
        ("steady window", f"{r['steady_level']} bridged for {r['steady_seconds']} s"),
        ("engine CPU steady, % of one core", pct(r.get("engine_cpu_steady_percent"))),
        ("engine CPU whole run", pct(r.get("engine_cpu_run_percent"))),
        ("engine CPU idle (before load)", pct(r.get("engine_cpu_idle_percent"))),
        (
            "  by thread (steady)",
            ", ".join(f"{k} {v:.1f}" for k, v in r.get("engine_threads_steady_percent", {}).items())
            or "n/a",
        ),
        ("engine RSS max", f"{r['engine_rss_max_mb']} MB"),
        (
            "failed calls (total)",
            f"{r['failed_calls']}  (SIPp callers {r['sipp_callers'].get('failed', '?')}, "
            f"agents {r['sipp_agents'].get('failed', '?')}, CDR not answered "
            f"{r['cdr_not_answered']}, CDR missing {r['cdr_missing']})",
        ),
        ("CDR outcomes", ", ".join(f"{k} {v}" for k, v in sorted(r["cdr_outcomes"].items()))),
        ("calls bridged (bridge.joined)", str(r.get("calls_bridged"))),
        ("set-up INVITE→bridged median / p95", f"{r['setup_ms_median']} / {r['setup_ms_p95']} ms"),
        ("queue wait max", f"{r.get('wait_seconds_max')} s"),
        (
            "agent rings not answered",
            ", ".join(f"{n}× {k}" for k, n in r.get("agent_rings_not_answered", {}).items())
            or "0",
        ),
        (
            "INVITE→200 at SIPp mean / worst second",
            f"{r['sipp_callers'].get('response_ms_mean')} / "
            f"{r['sipp_callers'].get('response_ms_worst_second')} ms, "
            f"{r['sipp_callers'].get('retransmissions')} retransmissions",
        ),
        ("RTP packets rx / tx (engine)", f"{r['rtp_packets_rx']:,} / {r['rtp_packets_tx']:,}"),
        ("RTP lost (engine rx)", f"{r['rtp_lost']:,}  ({r.get('rtp_loss_percent')} %)"),
        ("calls missing RTP on a leg", f"{r['calls_without_rtp_on_a_leg']}"),
        ("packets/s per leg, median", per_leg(pps) + "  (caller rx/tx, agent rx/tx)"),
        ("packets/s per leg, 5th percentile", per_leg(p5)),
        (
            "control `calls` round trip median / max",
            f"{r['control_ms_median']} / {r['control_ms_max']} ms, {r['control_failures']} failed",
        ),
        ("kamailio CPU whole run", pct(r.get("kamailio_cpu_run_percent"))),
        ("SIPp (load generators) CPU whole run", pct(r.get("sipp_cpu_run_percent"))),
        ("this benchmark's own CPU whole run", pct(r.get("bench_cpu_run_percent"))),
        (
            f"machine busy / steal steady, all {r.get('cores', '?')} cores",
            f"{pct(r.get('machine_busy_steady_percent'))} / "
            f"{pct(r.get('machine_steal_steady_percent'))}",
        ),
        (
            "other programs' CPU before / steady",
            f"{pct(r.get('other_programs_before_percent'))} / "
            f"{pct(r.get('other_programs_steady_percent'))} of one core",
        ),
        ("agents registered in", f"{r.get('register_seconds')} s"),
    ]  # fmt: skip
    if r["mode"] == "throughput":
        rows.insert(3, ("calls answered per second (engine)", f"{r.get('achieved_rate')}"))
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    lines += [f"note: {n}" for n in r.get("notes", [])]
    return "\n".join(lines)


def summary(opts: Options, r: dict[str, Any]) -> str:
    """Return the one-line summary."""
    t = r.get("targets", {})
    if opts.mode == "concurrency":
        p5, median = r.get("pps_p5", {}), r.get("pps_median", {})
        agent = min((p5.get(k, 0) for k in ("agent_rx", "agent_tx")), default=None)
        figures = (
            f"{r['steady_level']}/{opts.concurrency} bridged, engine "
            f"{r.get('engine_cpu_steady_percent')} % of a core steady, {r['failed_calls']} failed, "
            f"loss {r.get('rtp_loss_percent')} %, agent legs ≥ {agent} pps (p5), caller rx "
            f"{median.get('caller_rx')} pps (median)"
        )
        target = (
            f"{TARGET_CONCURRENT} recorded < {TARGET_CPU_PERCENT:g} %, 0 failed, {TARGET_PPS:g} pps"
        )
    else:
        answer = r["sipp_callers"].get("response_ms_worst_second")
        figures = (
            f"{r.get('achieved_rate')} calls/s answered of {opts.rate:g} offered, "
            f"{r['calls_placed']} calls, {r['failed_calls']} failed, INVITE→200 up to {answer} ms, "
            f"set-up median {r.get('setup_ms_median')} ms, engine "
            f"{r.get('engine_cpu_steady_percent')} % of a core"
        )
        target = f"{TARGET_RATE:g} calls/s, 0 failed"
    missed = ", ".join(k[:-3] for k, v in t.items() if k.endswith("_ok") and not v)
    if t.get("applies"):
        verdict = "MET" if t.get("met") else f"MISSED ({missed})"
    else:
        verdict = "n/a for this shape" + (f" (checks not passed: {missed})" if missed else "")
    return f"RESULT {r['load']}: {figures} — target [{target}]: {verdict}"


# --- entry points -------------------------------------------------------------------------


def run(opts: Options) -> dict[str, Any]:
    """Run one benchmark and return its figures ("broke" says why if the run broke)."""
    opts.resolve()
    bench = Bench(opts)
    r = bench.result
    r["mode"], r["load"] = opts.mode, bench.describe()
    r["options"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(opts).items()}
    r["var"] = str(bench.var)
    ok = False
    try:
        bench.say(f"deadline {bench.left():.0f} s; {bench.describe()}")
        bench.bring_up()
        bench.check_deadline("starting")
        bench.start_agents()
        bench.check_deadline("registering")
        bench.drive()
        ok = True
    except RunBroke as exc:
        r["broke"] = str(exc)
    except Exception as exc:  # the box, SIPp or the OS failed: report it, stop everything
        r["broke"] = f"{type(exc).__name__}: {exc}"
    finally:
        if "broke" in r:
            with contextlib.suppress(OSError):
                r["engine_log_tail"] = bench.box.log_tail("engine", 40)
        bench.stop()
    if bench.samples:  # what was measured, also when the run broke half-way (evidence)
        try:
            bench.collect()
        except Exception as exc:
            if ok:
                raise
            r["collect_error"] = f"{type(exc).__name__}: {exc}"
    if ok and not opts.keep and opts.var is None:
        shutil.rmtree(bench.var, ignore_errors=True)
    return r


def parse(argv: Sequence[str] | None) -> Options:
    """Return the options of a command line."""
    p = argparse.ArgumentParser(
        prog="bench/sip_load.py",
        description="SIP load benchmark of the callbox engine (SIPp callers, agents, IVR, queue).",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--concurrency", type=int, default=0, help="bridged calls to hold (default 200)"
    )
    mode.add_argument("--calls", type=int, default=0, help="throughput mode: calls in total")
    p.add_argument("--rate", type=float, default=0, help="calls/s (default 20, throughput 100)")
    p.add_argument("--hold", type=float, default=-1, help="talk seconds (default 30, throughput 3)")
    p.add_argument(
        "--no-record", dest="record", action="store_false", help="engine.record_calls=false"
    )
    p.add_argument("--agents", type=int, default=0, help="agents to register (default: from load)")
    p.add_argument(
        "--deadline", type=float, default=0, help="overall bound in s (default: from load)"
    )
    p.add_argument("--dtmf-ms", type=int, default=300, help="DTMF 2 this long after answer")
    p.add_argument("--var", type=Path, help="working folder (kept); default a temporary one")
    p.add_argument("--keep", action="store_true", help="keep the temporary working folder")
    p.add_argument("--json", dest="json_path", type=Path, help="also write the figures here")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    ns = p.parse_args(argv)
    opts = Options(**vars(ns))
    try:
        return opts.resolve()
    except ValueError as exc:
        p.error(str(exc))
        raise  # unreachable: error() exits


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from a command line; return the exit status."""
    opts = parse(argv)
    result = run(opts)
    if opts.json_path is not None:
        opts.json_path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    if "calls_placed" in result:
        print(table(opts, result))
    if "broke" in result:
        print(f"BROKE {result['load']}: {result['broke']}", file=sys.stderr)
        print(f"working folder kept: {result['var']}", file=sys.stderr)
        print("engine.log tail:\n" + result.get("engine_log_tail", ""), file=sys.stderr)
        return 1
    print(summary(opts, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
