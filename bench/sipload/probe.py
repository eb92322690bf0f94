"""Measure a running box: the engine's CPU, memory, threads and calls, and programs around it."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import psutil
from boxharness import Box

from appliance.engine.control import ControlError


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
        talking, calls, control_ms = self.count_calls() if with_calls else (0, 0, 0.0)
        busy, steal = machine_cpu()
        return Sample(
            time.monotonic(),
            times.user + times.system,
            rss,
            talking,
            calls,
            control_ms,
            machine_busy=busy,
            machine_steal=steal,
            helpers_cpu=helpers,
            threads=threads,
        )

    def count_calls(self) -> tuple[int, int, float]:
        """Return (talking, calls, round trip in ms) from the `calls` control command."""
        started = time.monotonic()
        try:
            listed = self.box.control.call("calls")["calls"]
        except (ControlError, OSError):
            self.control_failures += 1
            return 0, 0, -1.0
        control_ms = (time.monotonic() - started) * 1000
        return sum(1 for c in listed if c.get("state") == "talking"), len(listed), control_ms

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


def machine_cpu() -> tuple[float, float]:
    """Return the CPU seconds all cores spent busy (any program) and stolen by the hypervisor."""
    machine = psutil.cpu_times()
    busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    return busy, getattr(machine, "steal", 0.0)


def cpu_percent(first: Sample, last: Sample) -> float:
    """Return the engine's CPU between two samples, in % of one core."""
    seconds = last.at - first.at
    return 100.0 * (last.engine_cpu - first.engine_cpu) / seconds if seconds > 0 else 0.0
