"""The SIP load benchmark in a small, bounded form: it runs, and every call goes through.

Not a timed test: it checks behaviour under a little load (no failed call, every CDR
answered, RTP on both legs of every call), not CPU figures.  bench/README.md has those.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("sipp", "kamailio", "sox")),
        reason="needs sipp, kamailio and sox (make deps deps-test)",
    ),
]

BENCH = Path(__file__).resolve().parents[2] / "bench" / "sip_load.py"


@pytest.fixture(scope="module")
def sip_load() -> ModuleType:
    """Import bench/sip_load.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("sip_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sip_load"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def run_bench(sip_load: ModuleType, tmp_path: Path, *args: str) -> dict[str, Any]:
    """Run the benchmark's main() and return the figures it wrote."""
    out = tmp_path / "result.json"
    argv = [*args, "--var", str(tmp_path / "var"), "--json", str(out), "--quiet"]
    status = sip_load.main(argv)
    result: dict[str, Any] = json.loads(out.read_text())
    assert status == 0, result.get("broke", "") + "\n" + result.get("engine_log_tail", "")
    return result


def assert_every_call_went_through(result: dict[str, Any], calls: int) -> None:
    """No failure anywhere, every call answered by an agent, RTP on both legs."""
    assert result["calls_placed"] == calls, result["sipp_callers"]
    assert result["failed_calls"] == 0, result
    assert result["sipp_callers"]["failed"] == 0 and result["sipp_agents"]["failed"] == 0
    assert result["cdr_outcomes"] == {"answered": calls}, result["cdr_outcomes"]
    assert result["calls_bridged"] == calls
    assert result["calls_with_rtp_data"] == calls
    assert result["calls_without_rtp_on_a_leg"] == 0
    assert result["rtp_packets_rx"] > calls * 2 * 50  # ≥ 1 s of audio per leg
    assert result["control_failures"] == 0


def test_concurrent_calls_are_all_bridged(sip_load: ModuleType, tmp_path: Path) -> None:
    result = run_bench(
        sip_load, tmp_path, "--concurrency", "10", "--hold", "3", "--rate", "10", "--deadline", "50"
    )
    assert_every_call_went_through(result, 10)
    assert result["max_bridged"] == 10 and result["steady_level"] == 10
    assert result["steady_seconds"] >= 2
    assert result["engine_cpu_steady_percent"] is not None
    assert result["rtp_loss_percent"] < 1
    # Agent legs are counted exactly (sampled when the caller hangs up): 50 packets/s.
    assert 45 <= result["pps_median"]["agent_tx"] <= 55, result["pps_median"]


def test_calls_at_a_rate_all_go_through(sip_load: ModuleType, tmp_path: Path) -> None:
    # 4 s of talk: the engine reads the caller leg's RTP counters every 2 s while talking.
    result = run_bench(
        sip_load, tmp_path, "--calls", "20", "--rate", "5", "--hold", "4", "--deadline", "50"
    )
    assert_every_call_went_through(result, 20)
    assert result["achieved_rate"] == pytest.approx(5, rel=0.2)
    assert result["setup_ms_median"] < 3000
