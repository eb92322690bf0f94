"""The dialer benchmark in a small form (2 simulated hours, 10 agents): it runs and holds its cap.

Not a timed test: the figures of the full run are in README; here the bench must finish
and its predictive run must keep the drop cap while progressive drops nothing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from appliance.dialer.const import Mode

BENCH = Path(__file__).resolve().parents[2] / "bench" / "dialer.py"


def bench() -> ModuleType:
    """Import bench/dialer.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_dialer", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_dialer_benchmark_runs_small() -> None:
    """Both modes run; progressive never drops, predictive stays under the cap and gains."""
    module = bench()
    progressive = module.run_mode(Mode.PROGRESSIVE, 10, 2, 7, 110.0)
    predictive = module.run_mode(Mode.PREDICTIVE, 10, 2, 7, 110.0)
    assert progressive["dropped"] == 0
    assert progressive["most_in_flight"] <= 10
    assert predictive["answered"] > 200
    assert predictive["worst_day_drop_rate"] < module.CAP
    assert predictive["utilisation"] > progressive["utilisation"]
