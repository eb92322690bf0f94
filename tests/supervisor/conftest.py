"""A temporary state folder and free ports for a whole callbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from supervisor_helpers import PORT_ENV, free_port, free_rtp_base


@pytest.fixture
def callbox_env(tmp_path: Path) -> dict[str, str]:
    """Return an environment for a whole callbox on free ports under a temporary var."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    env["CALLBOX_CONFIG"] = str(tmp_path / "no-config.yml")
    env["CALLBOX_PATHS__VAR"] = str(tmp_path / "var")
    for name in PORT_ENV:
        env[name] = str(free_port())
    env["CALLBOX_ENGINE__RTP_PORT"] = str(free_rtp_base())
    env["CALLBOX_ENGINE__RTP_PORT_RANGE"] = "200"
    env["CALLBOX_SIP__PIKE_EXEMPT"] = "127.0.0.1"
    return env
