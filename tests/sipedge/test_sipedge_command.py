"""`callbox sip-edge`: the callbox-kamailio unit's command, run for real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from helpers_sipedge import free_port

from appliance.config import load
from appliance.sipedge import options
from appliance.store.manager import open_store

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    """Return an environment with a temporary state folder and free SIP ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    return {
        **env,
        "CALLBOX_CONFIG": str(tmp_path / "absent.yml"),
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_SIP__PORT": str(free_port()),
        "CALLBOX_ENGINE__PORT": str(free_port()),
    }


def _callbox(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `callbox ARGS` to the end."""
    return subprocess.run([sys.executable, "-m", "appliance.cli", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_sip_edge_prepares_kamailio_and_becomes_it(tmp_path: Path) -> None:
    env = _env(tmp_path)
    open_store(load(env=env)).close()  # what `callbox init` makes, without its prompts
    argv = [sys.executable, "-m", "appliance.cli", "sip-edge"]
    process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)  # fmt: skip
    try:
        port = int(env["CALLBOX_SIP__PORT"])
        deadline = time.monotonic() + 15
        while not options.ping("127.0.0.1", port, timeout=0.3):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "kamailio never answered OPTIONS"
        # systemd's main process is Kamailio itself, not a Python parent.
        assert psutil.Process(process.pid).name() == "kamailio"
        assert (tmp_path / "var" / "kamailio" / "kamailio.cfg").is_file()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_sip_edge_without_a_database_says_to_init(tmp_path: Path) -> None:
    done = _callbox(_env(tmp_path), "sip-edge")
    assert done.returncode == 2
    assert done.stderr.startswith("callbox: ") and "Traceback" not in done.stderr
    assert not (tmp_path / "var" / "kamailio" / "kamailio.cfg").exists()
