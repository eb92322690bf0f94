"""Speak SIPp: the arguments every instance shares, its statistics file, stopping it."""

from __future__ import annotations

import contextlib
import csv
import signal
import subprocess
from pathlib import Path
from typing import Any

from boxharness import SCENARIOS, free_port

# SIPp's cumulative columns -> the names the figures use.
COUNTERS = {
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
    return {**counters(rows), **response_times(rows)}


def counters(rows: list[list[str]]) -> dict[str, Any]:
    """Return the cumulative counters of the statistics file's last row."""
    header, last = rows[0], rows[-1]
    out: dict[str, Any] = {}
    for name, key in COUNTERS.items():
        if name in header:
            with contextlib.suppress(ValueError, IndexError):
                out[key] = int(last[header.index(name)])
    return out


def response_times(rows: list[list[str]]) -> dict[str, Any]:
    """Return the first rtd's mean and worst one-second period, in ms ({} if not measured)."""
    header, last = rows[0], rows[-1]
    out: dict[str, Any] = {}
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
