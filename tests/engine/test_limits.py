"""The media library built by tools/pjsua2/build.sh lifts the PyPI wheels' 4-call cap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from boxharness import free_port

PAIRS = 100


def test_one_engine_holds_100_bridged_pairs_and_100_players(tmp_path: Path) -> None:
    tone = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(tone), "synth", "5",
                    "sine", "440"], check=True)  # fmt: skip
    probe = Path(__file__).with_name("limits_probe.py")
    run = subprocess.run(
        [sys.executable, str(probe), str(PAIRS), str(free_port()), "40000", str(tone)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # The PyPI wheels stop at 4 calls and 32 players; this build holds them all.
    assert result["errors"] == [], result
    assert result["legs_up"] == 2 * PAIRS, result
    assert result["players"] == PAIRS, result
    assert result["legs_receiving_rtp"] == 2 * PAIRS, result
