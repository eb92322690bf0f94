"""Run one benchmark from start to end: bring up, agents, load, stop, figures."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .bench import Bench
from .bringup import bring_up
from .drive import drive
from .exceptions import RunBroke
from .options import Options
from .registration import start_agents
from .results import collect


def run(opts: Options) -> dict[str, Any]:
    """Run one benchmark and return its figures ("broke" says why if the run broke)."""
    opts.resolve()
    bench = Bench(opts)
    r = bench.result
    r["mode"], r["load"] = opts.mode, bench.describe()
    r["options"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(opts).items()}
    r["var"] = str(bench.var)
    ok = attempt(bench)
    if bench.samples:  # what was measured, also when the run broke half-way (evidence)
        collect_evidence(bench, ok)
    if ok and not opts.keep and opts.var is None:
        shutil.rmtree(bench.var, ignore_errors=True)
    return r


def attempt(bench: Bench) -> bool:
    """Run the steps and stop everything; return false (with "broke" in the result) if it broke."""
    r = bench.result
    try:
        steps(bench)
        return True
    except RunBroke as exc:
        r["broke"] = str(exc)
    except Exception as exc:  # the box, SIPp or the OS failed: report it, stop everything
        r["broke"] = f"{type(exc).__name__}: {exc}"
    finally:
        if "broke" in r:
            with contextlib.suppress(OSError):
                r["engine_log_tail"] = bench.box.log_tail("engine", 40)
        bench.stop()
    return False


def steps(bench: Bench) -> None:
    """Bring the box up, register the agents and drive the callers, within the deadline."""
    bench.say(f"deadline {bench.left():.0f} s; {bench.describe()}")
    bring_up(bench)
    bench.check_deadline("starting")
    start_agents(bench)
    bench.check_deadline("registering")
    drive(bench)


def collect_evidence(bench: Bench, ok: bool) -> None:
    """Collect the figures; if the run broke, note a failure to collect instead of raising."""
    try:
        collect(bench)
    except Exception as exc:
        if ok:
            raise
        bench.result["collect_error"] = f"{type(exc).__name__}: {exc}"
