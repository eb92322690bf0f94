"""Run the real `callbox` command in a subprocess against a temporary state folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    """Return the temporary state folder (paths.var) of this test."""
    return tmp_path / "var"


@pytest.fixture
def callbox(var_dir: Path, tmp_path: Path) -> Runner:
    """Return a function running `callbox ARGS` with this test's state folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    env["CALLBOX_PATHS__VAR"] = str(var_dir)
    env["CALLBOX_CONFIG"] = str(tmp_path / "no-config.yml")  # never read /etc/callbox

    def run(
        *args: str, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run callbox with args and return the finished process."""
        return subprocess.run(
            [sys.executable, "-m", "appliance.cli", *args],
            cwd=REPO_ROOT,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
