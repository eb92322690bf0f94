"""The report benchmark in a small form (2,000 calls over 30 days): it runs, and agrees.

Not a timed test: bench/reports.py itself refuses rollup reports that differ from the
raw rows; here it must finish and give every figure.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "reports.py"


def bench() -> ModuleType:
    """Import bench/reports.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_reports", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_report_benchmark_runs_small(tmp_path: Path) -> None:
    figures = bench().run(2000, 30, tmp_path)
    assert figures["intervals"] == 30 * 48
    assert figures["csv_month_rows"] == 2000  # 30 days: the "month" is the whole range
    assert (tmp_path / "month.csv").read_text().count("\n") == 2001
    for name in ("day", "month", "year"):
        assert figures[f"queue_report_{name}_s"] >= 0
