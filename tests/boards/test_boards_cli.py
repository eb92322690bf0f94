"""`callbox boards detect | check | status`, run as the real command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from modem_sim import SIM7600, ModemSimulator

from appliance.boards.base import PortHealth
from appliance.boards.const import BoardState
from appliance.boards.registry import BoardStatus, write_status

pytestmark = pytest.mark.timeout(60)
REPO_ROOT = Path(__file__).resolve().parents[2]


def callbox(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `callbox ARGS` on a box whose state folder is the test's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    env["CALLBOX_PATHS__VAR"] = str(tmp_path / "var")
    env["CALLBOX_CONFIG"] = str(tmp_path / "no-config.yml")
    command = [sys.executable, "-m", "appliance.cli", "boards", *args]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=30
    )


def test_detect_lists_spans_channels_and_devices(tmp_path: Path) -> None:
    """The analog channels show as FXO / FXS ports; an unconfigured one says what to run."""
    (tmp_path / "proc" / "dahdi").mkdir(parents=True)
    (tmp_path / "proc" / "dahdi" / "1").write_text(
        'Span 1: WCTDM/0 "Wildcard TDM410P" (MASTER)\n\n 1 WCTDM/0/0 FXSKS\n 2 WCTDM/0/1\n'
    )
    done = callbox(tmp_path, "detect", "--root", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        'span 1: WCTDM/0 "Wildcard TDM410P"',
        "  channel   1 WCTDM/0/0        fxo",
        "  channel   2 WCTDM/0/1        not configured (run dahdi_cfg)",
    ]


def test_check_starts_the_boards_and_says_how_each_went(tmp_path: Path) -> None:
    """A simulated module is ready with its line ok; an absent one fails the check."""
    sim = ModemSimulator(SIM7600)
    try:
        boards = [
            {"name": "mobile", "type": "gsm", "device": sim.path, "sms_file": str(tmp_path / "s")},
            {"name": "spare", "type": "gsm", "device": "/dev/ttyUSB-absent"},
        ]
        config = tmp_path / "boards.yml"
        config.write_text(yaml.safe_dump(boards))
        done = callbox(tmp_path, "check", str(config))
    finally:
        sim.close()
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "mobile (gsm) ready",
        "  mobile/1: ok",
        "spare (gsm) unavailable: no serial port at /dev/ttyUSB-absent",
    ]


def test_check_refuses_a_file_that_is_not_a_list(tmp_path: Path) -> None:
    """A mapping instead of a list is refused, saying what the file must be."""
    config = tmp_path / "boards.yml"
    config.write_text("name: mobile\ntype: gsm\n")
    done = callbox(tmp_path, "check", str(config))
    assert done.returncode != 0 and "must be a list of boards" in done.stderr


def test_status_without_boards(tmp_path: Path) -> None:
    """A box that started no boards says so."""
    done = callbox(tmp_path, "status")
    assert done.returncode == 0 and done.stdout == "no line boards started\n"


def test_status_shows_what_the_box_left(tmp_path: Path) -> None:
    """The status file's boards and their ports' problems are listed."""
    status = BoardStatus("mobile", "gsm", BoardState.READY, "", [])
    status.health = [PortHealth("mobile/1", False, ("sim_missing", "no_signal"))]
    write_status(tmp_path / "var" / "run", [status])
    done = callbox(tmp_path, "status")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "mobile (gsm) ready\n  mobile/1: sim_missing, no_signal\n"
