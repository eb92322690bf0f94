"""Shared test set-up: make the helpers in tests/support importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).with_name("support")))
