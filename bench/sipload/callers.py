"""Build the callers' SIPp command line: pacing, how long each call lasts, where it calls."""

from __future__ import annotations

import math
from pathlib import Path

from appliance.engine.media import wav_seconds

from .bench import Bench
from .const import DTMF_TO_RTP_MS, NUMBER, SETUP_MARGIN
from .sipp import sipp_base


def caller_args(bench: Bench) -> list[str]:
    """Return the caller SIPp command line for this mode."""
    o = bench.opts
    talk_from_answer, total, limit = caller_plan(bench)
    hold_ms = int(talk_from_answer * 1000) - o.dtmf_ms - DTMF_TO_RTP_MS
    args = sipp_base(bench.var, "bench_caller", "callers", bench.left() - 20)
    args[1:1] = [f"127.0.0.1:{bench.box.settings.engine.trunk_port}"]
    args += ["-s", NUMBER, "-key", "caller", "13800138000", "-mp", str(bench.ports["callers"])]
    args += ["-r", f"{o.rate:g}", "-rp", "1000", "-l", str(limit), "-m", str(total)]
    args += ["-set", "dtmf_ms", str(o.dtmf_ms), "-set", "hold_ms", str(max(hold_ms, 0))]
    args += ["-timeout_error", "-max_socket", "50000"]
    bench.result["caller_hold_ms"] = hold_ms
    return args


def caller_plan(bench: Bench) -> tuple[float, int, int]:
    """Return (seconds from answer to BYE, calls in all, calls at once at most).

    Also remembers the set-up time: the greeting, then the queue, a ring and the answer.
    """
    o = bench.opts
    welcome = wav_seconds(str(Path(bench.box.settings.paths.prompts) / "en" / "welcome.wav"))
    setup = bench.setup_seconds = welcome + SETUP_MARGIN
    if o.mode == "concurrency":
        ramp = (o.concurrency - 1) / o.rate
        # The first caller outlasts the ramp, so all C calls are up together for --hold s.
        return setup + ramp + o.hold, o.concurrency, o.concurrency
    talk_from_answer = setup + o.hold
    return talk_from_answer, o.calls, math.ceil(o.rate * (talk_from_answer + 10))
