"""Restore on a running box: fetched from the target, verified, services held and resumed
by a real supervisor loop, the store put back and migrated, the run logged."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from peewee import Database

from appliance.backup import live_restore, manager, retention, secrets
from appliance.config import Settings
from appliance.store.models import Agent, AuditEntry, BackupRun, BackupSchedule, BackupTarget
from appliance.supervisor import hold
from appliance.supervisor.manager import Supervisor
from appliance.supervisor.output import OutputSink
from appliance.supervisor.services import ServiceSpec, python_argv

SLEEPER = "import time\nwhile True: time.sleep(1)"


def backed_up(settings: Settings, tmp_path: Path, encrypt: bool = False) -> BackupRun:
    """Store agent 1001, back it up to a folder target, then change the store after it."""
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    target = BackupTarget.create(name="disk", kind="local", created_at=0,
                                 options={"folder": str(tmp_path / "archives")})  # fmt: skip
    schedule = BackupSchedule.create(name="nightly", target=target, frequency="daily",
                                     at="02:00", created_at=0, encrypt=encrypt)  # fmt: skip
    if encrypt:
        secrets.put(settings, "schedules", schedule.id, {"passphrase": "right words"})
    made = manager.run_backup(settings, schedule)
    assert made.status == "ok", made.message
    Agent.delete().execute()
    Agent.create(extension="1002", name="Han Mei", sip_password="y" * 12)
    return made


def test_a_restore_puts_the_store_back_and_logs_it(
    settings: Settings, store: Database, tmp_path: Path
) -> None:
    made = backed_up(settings, tmp_path)
    target = BackupTarget.get()
    store.close()  # as a web request does: no connection held across the restore
    state = live_restore.restore_from_target(settings, store, target, made.archive, "", "alice")
    assert state["status"] == "ok", state
    assert state["message"].startswith(f"restored 1 files from {made.archive}; safety backup")
    assert live_restore.status(settings) == state
    store.connect()
    assert [a.extension for a in Agent.select()] == ["1001"]
    (safety,) = retention.archives(Path(settings.paths.backups) / "safety")
    assert str(safety) in state["message"]
    logged = BackupRun.get(BackupRun.kind == "restore")
    assert (logged.status, logged.archive, logged.target_name) == ("ok", made.archive, "disk")
    entry = AuditEntry.get(AuditEntry.action == "restore")
    assert (entry.username, entry.object_key) == ("alice", f"archive:{made.archive}")


def test_a_wrong_passphrase_is_refused_before_anything_stops(
    settings: Settings, store: Database, tmp_path: Path
) -> None:
    made = backed_up(settings, tmp_path, encrypt=True)
    target = BackupTarget.get()
    store.close()
    state = live_restore.restore_from_target(settings, store, target, made.archive,
                                             "wrong words", "alice")  # fmt: skip
    assert state["status"] == "failed" and "passphrase does not open" in state["message"]
    store.connect()
    assert [a.extension for a in Agent.select()] == ["1002"]  # nothing touched
    assert not hold.hold_path(settings.run_dir).exists()
    assert not (Path(settings.paths.backups) / "safety").exists()


def test_the_supervisor_holds_the_services_during_the_restore(
    settings: Settings, store: Database, tmp_path: Path
) -> None:
    made = backed_up(settings, tmp_path)
    specs = [ServiceSpec(name, python_argv("-c", SLEEPER)) for name in ("engine", "scheduler")]
    out = io.StringIO()
    supervisor = Supervisor(settings, OutputSink(out))
    thread = threading.Thread(target=supervisor.run, args=(specs, False))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (settings.run_dir / "supervisor.json").exists():
            assert time.monotonic() < deadline, "the supervisor did not start"
            time.sleep(0.05)
        target = BackupTarget.get()
        store.close()
        state = live_restore.restore_from_target(settings, store, target, made.archive, "",
                                                 "alice")  # fmt: skip
        assert state["status"] == "ok", state
        assert [s.state for s in supervisor.services] == ["running", "running"]
    finally:
        supervisor.stop()
        thread.join(timeout=15)
    said = out.getvalue()
    for name in ("engine", "scheduler"):
        assert f"{name} held stopped (hold.json)" in said
        assert f"{name} released: starting it again" in said
    assert not hold.hold_path(settings.run_dir).exists()
    store.connect()
    assert [a.extension for a in Agent.select()] == ["1001"]


@pytest.fixture(autouse=True)
def _no_stray_hold(settings: Settings) -> None:
    """Start every test without a hold file."""
    hold.release(settings.run_dir)
