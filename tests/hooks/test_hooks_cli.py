"""`callbox hooks list | run` as a user runs them: real processes, real hook scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _callbox(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run callbox with this test's var and hook folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOX_")}
    env.update({
        "CALLBOX_CONFIG": str(tmp_path / "absent.yml"),
        "CALLBOX_PATHS__VAR": str(tmp_path / "var"),
        "CALLBOX_HOOKS__SHIPPED": str(tmp_path / "shipped"),
        "CALLBOX_HOOKS__LOCAL": str(tmp_path / "local"),
    })  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "appliance.cli", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _hook(tmp_path: Path, relative: str, body: str, mode: int = 0o755) -> Path:
    """Write a shell hook under tmp_path."""
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(mode)
    return path


def test_list_shows_every_hook_and_what_is_skipped(tmp_path: Path) -> None:
    _hook(tmp_path, "shipped/first-boot.d/10-secrets", "true")
    _hook(tmp_path, "local/first-boot.d/05-off", "true", mode=0o644)
    _hook(tmp_path, "local/post-restore.d/50-notify", "true")
    done = _callbox(tmp_path, "hooks", "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"shipped hooks: {tmp_path / 'shipped'}"
    assert lines[1] == f"local hooks: {tmp_path / 'local'}"
    rows = [line.split()[:3] for line in lines[2:]]
    assert rows == [
        ["first-boot", "05-off", "local"],
        ["first-boot", "10-secrets", "shipped"],
        ["post-restore", "50-notify", "local"],
    ]
    assert "(not executable: skipped)" in lines[2]


def test_run_passes_event_variables_and_exit_status(tmp_path: Path) -> None:
    _hook(tmp_path, "local/post-restore.d/10-show", 'echo "archive=$CALLBOX_HOOK_ARCHIVE"')
    done = _callbox(tmp_path, "hooks", "run", "post-restore", "--env", "archive=/x.tar")
    assert done.returncode == 0, done.stderr
    assert "10-show (local) succeeded" in done.stdout
    assert "archive=/x.tar" in (tmp_path / "var/log/hooks.log").read_text()
    _hook(tmp_path, "local/post-restore.d/20-broken", "echo cannot reach the CRM; exit 2")
    failed = _callbox(tmp_path, "hooks", "run", "post-restore")
    assert failed.returncode == 1
    assert "FAILED 20-broken (local) failed with exit status 2" in failed.stderr
    assert "cannot reach the CRM" in failed.stderr


def test_a_failing_pre_hook_is_one_clear_line(tmp_path: Path) -> None:
    hook = _hook(tmp_path, "local/pre-backup.d/10-guard", "echo not tonight; exit 1")
    done = _callbox(tmp_path, "hooks", "run", "pre-backup")
    assert done.returncode == 2
    assert f"callbox: pre-backup hook {hook} failed with exit status 1" in done.stderr
    assert "not tonight" in done.stderr and len(done.stderr.splitlines()) == 1


def test_unknown_event_and_bad_env_are_refused(tmp_path: Path) -> None:
    unknown = _callbox(tmp_path, "hooks", "run", "reboot")
    assert unknown.returncode == 2 and "unknown hook event 'reboot'" in unknown.stderr
    bad = _callbox(tmp_path, "hooks", "run", "first-boot", "--env", "novalue")
    assert bad.returncode == 2 and "is not KEY=VALUE" in bad.stderr


def test_nothing_to_run_says_so(tmp_path: Path) -> None:
    done = _callbox(tmp_path, "hooks", "run", "board-added")
    assert done.returncode == 0 and done.stdout.strip() == "no board-added hooks to run"
