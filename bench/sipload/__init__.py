"""Run the SIP load benchmark: the parts behind bench/sip_load.py.

Importing the package makes the repository (`appliance`) and its test harness
(`tests/support/boxharness`) importable, so every module can use them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "tests" / "support"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
