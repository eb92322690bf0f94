"""Drive the load: measure the idle engine, run the callers to the end, sample all along."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time
from pathlib import Path

from boxharness import Box

from .bench import Bench
from .callers import caller_args
from .const import AUDIO_FILE, POLL_SECONDS
from .exceptions import RunBroke
from .probe import Probe, Sample, cpu_percent
from .sipp import sipp_stats

HELPERS = ("kamailio", "sipp", "bench")  # the probe's groups of processes other than the engine


def drive(bench: Bench) -> None:
    """Run the callers to the end, sampling the engine all along."""
    probe = bench.probe
    assert probe is not None and bench.box.engine is not None
    make_audio(bench.var / AUDIO_FILE)
    idle = measure_idle(bench, probe)
    args = caller_args(bench)
    (bench.var / "callers-command.txt").write_text(" ".join(args) + "\n")
    bench.say(f"callers start: {bench.describe()}")
    before = {name: probe.cpu_of(name) for name in HELPERS}
    first = probe.sample()
    bench.samples.append(first)
    bench.caller = bench.spawn_sipp(args, "callers-sipp.log")
    poll_until_done(bench, probe, bench.caller)
    finish_calls(bench, bench.caller)
    bench.samples.append(probe.sample())
    bench.thread_names = probe.thread_names(set(idle.threads))  # engine still runs
    run_figures(bench, probe, first, before)


def make_audio(path: Path) -> None:
    """Write the callers' audio: a 20 s sweep, raw A-law, looped by SIPp."""
    sox = ["sox", "-n", "-r", "8000", "-c", "1", "-t", "al", str(path)]
    subprocess.run([*sox, "synth", "20", "sine", "300-3000", "vol", "0.3"], check=True, timeout=30)


def measure_idle(bench: Bench, probe: Probe) -> Sample:
    """Measure the engine and other programs for 2 s before any call; return the last sample."""
    idle0 = probe.sample(with_calls=False)
    time.sleep(2.0)
    idle1 = probe.sample(with_calls=False)
    bench.result["engine_cpu_idle_percent"] = round(cpu_percent(idle0, idle1), 2)
    others = (idle1.machine_busy - idle0.machine_busy) - (idle1.engine_cpu - idle0.engine_cpu)
    others -= idle1.helpers_cpu - idle0.helpers_cpu
    bench.result["other_programs_before_percent"] = round(
        100 * max(0.0, others) / (idle1.at - idle0.at), 1
    )
    return idle1


def poll_until_done(bench: Bench, probe: Probe, caller: subprocess.Popen[bytes]) -> None:
    """Sample the engine every POLL_SECONDS until the callers' SIPp exits, reporting every 5 s."""
    last_report = time.monotonic()
    while caller.poll() is None:
        check_running(bench)
        time.sleep(POLL_SECONDS)
        bench.samples.append(probe.sample())
        if time.monotonic() - last_report >= 5:
            s = bench.samples[-1]
            bench.say(f"calls {s.calls}, bridged {s.talking}, engine {recent_cpu(bench):.0f} %")
            last_report = time.monotonic()


def check_running(bench: Bench) -> None:
    """Raise RunBroke if the engine or the agents' SIPp died, or the deadline passed."""
    assert bench.box.engine is not None
    if bench.box.engine.poll() is not None:
        raise RunBroke(f"engine exited {bench.box.engine.returncode} under load")
    if bench.uas is not None and bench.uas.poll() is not None:
        raise RunBroke(f"the agents' SIPp exited {bench.uas.returncode} (agents-*.log)")
    bench.check_deadline("callers were running")


def recent_cpu(bench: Bench) -> float:
    """Return the engine CPU % over the last few samples."""
    recent = bench.samples[-min(len(bench.samples), 10) :]
    return cpu_percent(recent[0], recent[-1]) if len(recent) > 1 else 0.0


def finish_calls(bench: Bench, caller: subprocess.Popen[bytes]) -> None:
    """Note how the callers' SIPp ended and wait for a CDR of every call it placed."""
    bench.result["caller_exit"] = caller.returncode
    if caller.returncode not in (0, 1):
        bench.notes.append(f"caller SIPp exited {caller.returncode} (see callers-*.log)")
    created = sipp_stats(bench.var / "callers-stats.csv").get("created", 0)
    wait_cdrs(bench, created)


def wait_cdrs(bench: Bench, count: int) -> None:
    """Wait (bounded) until the engine has written a CDR for every call placed."""
    end = time.monotonic() + min(30.0, max(bench.left(), 0))
    while time.monotonic() < end:
        if count_rows(bench.box, "cdr") >= count:
            return
        time.sleep(0.5)
    bench.notes.append(f"only {count_rows(bench.box, 'cdr')} CDRs for {count} calls after 30 s")


def count_rows(box: Box, table: str) -> int:
    """Return the number of rows of a store table (0 if it cannot be read now)."""
    try:
        with contextlib.closing(box.db()) as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def run_figures(bench: Bench, probe: Probe, first: Sample, before: dict[str, float]) -> None:
    """Figure the CPU of the engine and of the programs around it over the whole run."""
    last = bench.samples[-1]
    bench.result["engine_cpu_run_percent"] = round(cpu_percent(first, last), 2)
    run_seconds = last.at - first.at
    bench.result["run_seconds"] = round(run_seconds, 1)
    for name, used_before in before.items():
        used = probe.cpu_of(name) - used_before
        bench.result[f"{name}_cpu_run_percent"] = round(100 * used / run_seconds, 1)
