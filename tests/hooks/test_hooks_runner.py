"""The hook runner on real scripts: order, environment, timeout, skipped files, pre-* abort."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from appliance import __version__
from appliance.config import Settings
from appliance.hooks import discovery, runner
from appliance.hooks.const import Event
from appliance.hooks.exceptions import HookError, HookFailed

WriteHook = Callable[..., Path]  # the write_hook fixture


def test_hooks_run_in_name_order_across_shipped_and_local(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    trail = tmp_path / "trail"
    for origin, name in (("local", "20-local"), ("shipped", "10-first"), ("shipped", "30-last")):
        write_hook(origin, "post-restore", name, f'echo "$CALLBOX_HOOK_NAME" >> {trail}')
    results = runner.run_event(hook_settings, "post-restore")
    assert trail.read_text().split() == ["10-first", "20-local", "30-last"]
    assert [(r.hook.name, r.hook.origin, r.ok) for r in results] == [
        ("10-first", "shipped", True),
        ("20-local", "local", True),
        ("30-last", "shipped", True),
    ]


def test_a_local_hook_replaces_the_shipped_one_of_its_name(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    trail = tmp_path / "trail"
    write_hook("shipped", "first-boot", "10-secrets", f"echo shipped >> {trail}")
    write_hook("local", "first-boot", "10-secrets", f"echo local >> {trail}")
    runner.run_event(hook_settings, "first-boot")
    assert trail.read_text() == "local\n"


def test_non_executable_and_badly_named_files_are_skipped(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    trail = tmp_path / "trail"
    write_hook("shipped", "board-added", "10-off", f"echo off >> {trail}", executable=False)
    write_hook("shipped", "board-added", "20-on", f"echo on >> {trail}")
    for name in ("README.md", "30-on~", "40-on.dpkg-old"):
        write_hook("shipped", "board-added", name, f"echo {name} >> {trail}")
    results = runner.run_event(hook_settings, "board-added")
    assert trail.read_text() == "on\n"
    assert [r.hook.name for r in results] == ["20-on"]
    listed = discovery.discover(hook_settings, Event.BOARD_ADDED)
    assert [(h.name, h.executable) for h in listed] == [("10-off", False), ("20-on", True)]


def test_hooks_get_the_documented_environment(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    dump = tmp_path / "env"
    write_hook("local", "pre-backup", "10-env", f"env | grep ^CALLBOX_HOOK_ | sort > {dump}")
    runner.run_event(hook_settings, "pre-backup", {"BACKUP_DIR": "/srv/backups"})
    seen = dict(line.split("=", 1) for line in dump.read_text().splitlines())
    assert seen["CALLBOX_HOOK_EVENT"] == "pre-backup"
    assert seen["CALLBOX_HOOK_NAME"] == "10-env"
    assert seen["CALLBOX_HOOK_VAR"] == str(tmp_path / "var")
    assert seen["CALLBOX_HOOK_DATABASE"] == str(tmp_path / "var" / "callbox.db")
    assert seen["CALLBOX_HOOK_BACKUPS"] == str(tmp_path / "var" / "backups")
    assert seen["CALLBOX_HOOK_VERSION"] == __version__
    assert seen["CALLBOX_HOOK_LOG"] == str(tmp_path / "var" / "log" / "hooks.log")
    assert seen["CALLBOX_HOOK_BACKUP_DIR"] == "/srv/backups"


def test_the_callbox_command_is_on_the_hooks_path(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    found = tmp_path / "which"
    write_hook("shipped", "first-boot", "10-which", f"command -v callbox > {found}")
    runner.run_event(hook_settings, "first-boot")
    folder = discovery.callbox_bin()
    assert folder is not None
    assert found.read_text().strip() == str(folder / "callbox")


def test_output_goes_to_the_log_file_with_the_outcome(
    hook_settings: Settings, write_hook: WriteHook
) -> None:
    write_hook("shipped", "post-upgrade", "10-talk", "echo to-stdout; echo to-stderr >&2")
    write_hook("shipped", "post-upgrade", "20-fail", "echo broken; exit 3")
    results = runner.run_event(hook_settings, "post-upgrade")
    assert [r.returncode for r in results] == [0, 3]
    assert "to-stdout" in results[0].output and "to-stderr" in results[0].output
    text = Path(hook_settings.hooks.log_file).read_text()
    assert "post-upgrade/10-talk" in text and "to-stdout" in text and "to-stderr" in text
    assert "post-upgrade/20-fail failed with exit status 3" in text


def test_a_failing_post_hook_is_reported_and_the_rest_still_run(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_hook("shipped", "post-restore", "10-fail", "exit 1")
    write_hook("shipped", "post-restore", "20-after", f"touch {tmp_path / 'after'}")
    results = runner.run_event(hook_settings, "post-restore")
    assert [r.ok for r in results] == [False, True]
    assert (tmp_path / "after").exists()
    assert any("10-fail" in r.message and r.levelname == "ERROR" for r in caplog.records)


def test_a_failing_pre_hook_aborts_and_names_itself(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    broken = write_hook("local", "pre-upgrade", "10-check", "echo disk too full; exit 4")
    write_hook("shipped", "pre-upgrade", "20-after", f"touch {tmp_path / 'after'}")
    with pytest.raises(HookFailed) as caught:
        runner.run_event(hook_settings, "pre-upgrade")
    message = str(caught.value)
    assert str(broken) in message
    assert "exit status 4" in message and "disk too full" in message
    assert not (tmp_path / "after").exists()


def _gone(pid: int) -> bool:
    """Return true if the process no longer runs (gone or a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


def test_a_timed_out_hook_has_its_whole_process_group_killed(
    hook_settings: Settings, write_hook: WriteHook, tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    body = f"sleep 60 & echo $! > {pids}; echo $$ >> {pids}; wait"
    write_hook("shipped", "pre-backup", "10-hang", body)
    started = time.monotonic()
    with pytest.raises(HookFailed, match=r"10-hang timed out after \d+ s \(killed\)"):
        runner.run_event(hook_settings, "pre-backup", timeout=1.0)
    assert time.monotonic() - started < 8
    child, shell = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 3
    while not (_gone(child) and _gone(shell)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(child) and _gone(shell)


def test_a_hook_ignoring_sigterm_is_killed(hook_settings: Settings, write_hook: WriteHook) -> None:
    write_hook("shipped", "post-upgrade", "10-stubborn", "trap '' TERM; sleep 30")
    started = time.monotonic()
    results = runner.run_event(hook_settings, "post-upgrade", timeout=0.5)
    assert results[0].returncode is None and "timed out" in results[0].reason
    assert time.monotonic() - started < 8


def test_an_unknown_event_is_refused(hook_settings: Settings) -> None:
    with pytest.raises(HookError, match=r"unknown hook event 'reboot'.*first-boot"):
        runner.run_event(hook_settings, "reboot")


def test_no_hook_folders_means_nothing_runs(hook_settings: Settings) -> None:
    assert runner.run_event(hook_settings, "factory-reset") == []
    assert not os.path.exists(hook_settings.hooks.log_file)
