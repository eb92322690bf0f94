"""Give the agents a phone (one SIPp UAS for all) and register them through Kamailio."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from boxharness import Box, free_port

from appliance.engine.control import ControlError

from .bench import Bench
from .const import REGISTER_RATE
from .exceptions import RunBroke
from .sipp import sipp_base, sipp_stats


def start_agents(bench: Bench) -> None:
    """Start the agents' phones (one SIPp UAS) and register every agent through Kamailio."""
    port = free_port()
    args = sipp_base(bench.var, "agent_answer", "agents", bench.left())
    args[args.index("-p") + 1] = str(port)
    args += ["-mp", str(bench.ports["agents"]), "-rtp_echo"]
    bench.uas = bench.spawn_sipp(args, "agents-sipp.log")
    began = time.monotonic()
    register_all(bench, port)
    bench.result["register_seconds"] = round(time.monotonic() - began, 2)
    bench.say(f"{len(bench.agents)} agents registered in {bench.result['register_seconds']} s")


def register_all(bench: Bench, uas_port: int) -> None:
    """Register every agent, again those the engine did not see; raise RunBroke if some miss."""
    missing = [ext for ext, _ in bench.agents]
    for attempt in (1, 2):
        register(bench, [a for a in bench.agents if a[0] in missing], uas_port, attempt)
        missing = wait_registered(bench, timeout=10 + len(missing) / 50)
        if not missing:
            break
        bench.notes.append(f"registration attempt {attempt}: {len(missing)} not registered")
    if missing:
        raise RunBroke(f"{len(missing)} agents did not register, e.g. {missing[:5]}")


def register(bench: Bench, agents: list[tuple[str, str]], uas_port: int, attempt: int) -> None:
    """REGISTER agents with digest auth through Kamailio (one SIPp run, bounded)."""
    inf = bench.var / f"agents-{attempt}.csv"
    write_credentials(inf, agents)
    timeout = min(bench.left(), 20 + len(agents) / REGISTER_RATE * 2)
    args = sipp_base(bench.var, "agent_register", f"register-{attempt}", timeout)
    args[1:1] = [f"127.0.0.1:{bench.box.settings.sip.port}"]
    args += ["-inf", str(inf), "-key", "agent_port", str(uas_port)]
    args += ["-m", str(len(agents)), "-r", str(REGISTER_RATE), "-l", str(REGISTER_RATE)]
    done = subprocess.run(args, cwd=bench.var, capture_output=True, timeout=timeout + 15)
    stats = sipp_stats(bench.var / f"register-{attempt}-stats.csv")
    if done.returncode not in (0, 1):
        raise RunBroke(f"SIPp registration exited {done.returncode}: {done.stderr[-500:]!r}")
    if stats.get("failed"):
        bench.notes.append(f"registration attempt {attempt}: SIPp failed {stats['failed']}")


def write_credentials(path: Path, agents: list[tuple[str, str]]) -> None:
    """Write SIPp's -inf file: one agent a line, with the whole authentication keyword.

    SIPp 3.6.1 does not expand a field inside `[authentication …]`, so the file carries it.
    """
    path.write_text(
        "SEQUENTIAL\n"
        + "".join(f"{e};{p};[authentication username={e} password={p}]\n" for e, p in agents)
    )


def wait_registered(bench: Bench, timeout: float) -> list[str]:
    """Wait until the engine sees every agent registered; return those it does not."""
    wanted = {ext for ext, _ in bench.agents}
    end = time.monotonic() + min(timeout, max(bench.left(), 0))
    missing = sorted(wanted)
    while time.monotonic() < end:
        missing = sorted(wanted - registered(bench.box))
        if not missing:
            break
        time.sleep(0.5)
    return missing


def registered(box: Box) -> set[str]:
    """Return the extensions the engine sees registered (none if it does not answer)."""
    try:
        listed = box.control.call("agents")["agents"]
    except (ControlError, OSError):
        listed = []
    return {a["extension"] for a in listed if a["registered"]}
