"""ansible/files/sip_options.py, validate.yml's SIP check, against a real Kamailio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers_sipedge import RunningEdge, free_port

SCRIPT = Path(__file__).resolve().parents[2] / "ansible" / "files" / "sip_options.py"


def run_script(port: int, timeout: str = "3") -> subprocess.CompletedProcess[str]:
    """Run the script as validate.yml does (system-style python, no callbox imports)."""
    return subprocess.run([sys.executable, "-I", str(SCRIPT), "127.0.0.1", str(port), timeout],
                          capture_output=True, text=True, timeout=30, check=False)  # fmt: skip


def test_a_running_edge_answers_200(edge: RunningEdge) -> None:
    done = run_script(edge.settings.sip.port)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "SIP/2.0 200 OK"


def test_nothing_listening_fails_with_a_clear_line() -> None:
    port = free_port()
    done = run_script(port, timeout="0.5")
    assert done.returncode == 1
    assert done.stdout.strip() == f"no answer to SIP OPTIONS from 127.0.0.1:{port} in 0.5 s"
