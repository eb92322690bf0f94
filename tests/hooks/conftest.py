"""Fixtures of the hook tests: settings with hook folders of their own, a hook writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from appliance.config import Settings, load

WriteHook = Callable[..., Path]


@pytest.fixture
def hook_settings(tmp_path: Path) -> Settings:
    """Return settings whose var, shipped and local hook folders are fresh temporary ones."""
    env = {
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_HOOKS__SHIPPED": str(tmp_path / "shipped"),
        "CALLBOX_HOOKS__LOCAL": str(tmp_path / "local"),
        "CALLBOX_HOOKS__TIMEOUT_SECONDS": "10",
    }
    return load(tmp_path / "absent.yml", env=env)


@pytest.fixture
def write_hook(tmp_path: Path) -> WriteHook:
    """Return a function writing a shell hook `<origin>/<event>.d/<name>`."""

    def write(origin: str, event: str, name: str, body: str, executable: bool = True) -> Path:
        """Write the hook script and return its path."""
        path = tmp_path / origin / f"{event}.d" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
        path.chmod(0o755 if executable else 0o644)
        return path

    return write
