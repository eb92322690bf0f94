"""Scheduled backups on a real store, real files and a real folder target: run, chain, prune,
verify, and the alerts a failure raises and a success clears."""

from __future__ import annotations

import os
import tarfile
import time
from pathlib import Path

import pytest
from peewee import Database

from appliance.backup import (
    chains,
    manager,
    reader,
    restore,
    retention,
    runlog,
    secrets,
    verifier,
)
from appliance.backup.exceptions import BackupError
from appliance.config import Settings
from appliance.health import alerts
from appliance.jobs import backups as job
from appliance.jobs.scheduler import build_scheduler
from appliance.store.models import Agent, Alert, BackupRun, BackupSchedule, BackupTarget

OLD = time.time() - 3600  # files settled long ago


def put(folder: Path, name: str, data: bytes, at: float = OLD) -> Path:
    """Write a file under folder, changed at `at`."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (at, at))
    return path


@pytest.fixture
def box(settings: Settings, store: Database) -> Settings:
    """Return a box with an agent, a prompt and a recording."""
    Agent.create(extension="1001", name="Li Lei", sip_password="x" * 12)
    put(Path(settings.paths.prompts), "en/welcome.wav", b"RIFF-welcome" * 100)
    put(Path(settings.paths.recordings), "2026/11/27/c1.wav", os.urandom(50_000))
    return settings


def folder_target(tmp_path: Path) -> BackupTarget:
    """Store a local-folder target."""
    return BackupTarget.create(name="nas", kind="local", options={"folder": str(tmp_path / "t")},
                               created_at=OLD)  # fmt: skip


def schedule_on(target: BackupTarget, **extra: object) -> BackupSchedule:
    """Store a daily 00:00 schedule made yesterday (so it is due now)."""
    fields = {"name": "nightly", "target": target, "frequency": "daily", "at": "00:00",
              "created_at": time.time() - 2 * 86400}  # fmt: skip
    return BackupSchedule.create(**{**fields, **extra})


def on_target(target: BackupTarget) -> list[str]:
    """Return the archive names in a folder target."""
    return [p.name for p in retention.archives(Path(target.options["folder"]))]


def active_alert(key: str) -> Alert | None:
    """Return the active alert of key."""
    return Alert.get_or_none((Alert.key == key) & Alert.cleared_at.is_null())


def test_the_scheduler_backs_up_a_due_schedule_and_verifies_it(
    box: Settings, tmp_path: Path
) -> None:
    assert "backups" in [j.id for j in build_scheduler(box).get_jobs()]
    target = folder_target(tmp_path)
    schedule_on(target)
    assert job.run_due_backups(box) == ["backup nightly ok", "verify nightly ok"]
    (name,) = on_target(target)
    made, checked = BackupRun.select().order_by(BackupRun.id)
    assert (made.kind, made.status, made.archive, made.base) == ("backup", "ok", name, "")
    assert made.size == (Path(target.options["folder"]) / name).stat().st_size
    assert made.message == "full" and made.finished_at >= made.started_at
    assert (made.stage, made.progress) == ("done", 1.0)
    assert (checked.kind, checked.status, checked.archive) == ("verify", "ok", name)
    assert "files match their sums" in checked.message and "integrity ok" in checked.message
    assert job.run_due_backups(box) == []  # done for today, and verified
    assert not list((box.var / "backup" / "work").iterdir())  # nothing left behind


def test_incremental_recordings_chain_and_restore_takes_the_older_ones(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    target = folder_target(tmp_path)
    schedule = schedule_on(target, recordings=True, incremental=True)
    first = manager.run_backup(box, schedule)
    assert first.status == "ok" and first.base == ""
    # A recording the first archive lacks, whatever its time (copied in with an old one),
    # and one it has but that changed since: both go in the next, by file.
    put(Path(box.paths.recordings), "2026/11/26/c2.wav", b"RIFF-c2" * 1000, at=OLD - 86400)
    put(Path(box.paths.recordings), "2026/11/27/c1.wav", b"RIFF-c1 again", at=OLD + 60)
    second = manager.run_backup(box, schedule)
    assert second.status == "ok" and second.base == first.archive, second.message
    assert second.message == f"incremental on {first.archive}"
    folder = Path(target.options["folder"])
    with tarfile.open(folder / second.archive) as tar:
        names = tar.getnames()
        manifest = reader.read_manifest(tar)
    assert [n for n in names if n.startswith("recordings/")] == [
        "recordings/2026/11/26/c2.wav", "recordings/2026/11/27/c1.wav"]  # fmt: skip
    third = manager.run_backup(box, schedule)
    with tarfile.open(folder / third.archive) as tar:
        assert not [n for n in tar.getnames() if n.startswith("recordings/")]  # nothing new
    assert (manifest.format_version, manifest.base) == (2, first.archive)
    assert third.base == second.archive
    wanted = {p.relative_to(box.paths.recordings): p.read_bytes()
              for p in Path(box.paths.recordings).rglob("*.wav")}  # fmt: skip
    for path in Path(box.paths.recordings).rglob("*.wav"):
        path.unlink()
    store.close()
    done = restore.restore(box, folder / third.archive)
    got = {p.relative_to(box.paths.recordings): p.read_bytes()
           for p in Path(box.paths.recordings).rglob("*.wav")}  # fmt: skip
    assert got == wanted and len(got) == 2 and done.files >= 3
    (folder / first.archive).unlink()  # the base lost: a clear refusal, nothing touched
    with pytest.raises(BackupError, match=f"the older ones are in {first.archive}") as e:
        restore.restore(box, folder / third.archive)
    assert e.value.error_id == "missing-base"


def test_a_lost_chain_index_makes_the_next_archive_full(box: Settings, tmp_path: Path) -> None:
    schedule = schedule_on(folder_target(tmp_path), recordings=True, incremental=True)
    manager.run_backup(box, schedule)
    assert manager.run_backup(box, schedule).base  # incremental
    chains.path_of(box, schedule.id).unlink()
    assert manager.run_backup(box, schedule).base == ""  # full: nothing assumed


def test_a_chain_is_full_again_every_full_every_runs(box: Settings, tmp_path: Path) -> None:
    schedule = schedule_on(folder_target(tmp_path), recordings=True, incremental=True, keep=30)
    bases = [manager.run_backup(box, schedule).base for _ in range(manager.FULL_EVERY + 1)]
    assert [bool(b) for b in bases] == [False] + [True] * (manager.FULL_EVERY - 1) + [False]


def test_retention_keeps_n_and_never_fewer_than_two_full(box: Settings, tmp_path: Path) -> None:
    target = folder_target(tmp_path)
    schedule = schedule_on(target, keep=2)
    runs = [manager.run_backup(box, schedule) for _ in range(4)]
    assert on_target(target) == [runs[2].archive, runs[3].archive]
    assert runs[3].message == f"full; removed {runs[1].archive}"
    other = Path(target.options["folder"]) / "callbox-20200101-000000.tar"
    other.write_bytes(b"made by hand")  # not this schedule's: left alone
    manager.run_backup(box, schedule)
    assert other.exists()


def test_retention_of_chains_is_computed_from_bases() -> None:
    names = [f"callbox-20261101-0{n}0000.tar" for n in range(8)]
    bases = {names[0]: "", names[3]: ""}  # two full ones, each followed by incrementals
    bases |= {names[n]: names[n - 1] for n in (1, 2, 4, 5, 6, 7)}
    # keep 2: the newest two need their chain back to names[3]; a second full is names[0]
    assert retention.expired_in_chain(bases, 2) == names[1:3]
    assert retention.expired_in_chain(dict.fromkeys(names, ""), 3) == names[:5]
    assert retention.expired_in_chain(dict.fromkeys(names, ""), 0) == names[:6]  # at least 2


def test_a_failed_backup_is_logged_and_alerted_until_one_succeeds(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    target = BackupTarget.create(name="usb", kind="usb", options={"label": "absentdisk"},
                                 created_at=OLD)  # fmt: skip
    schedule = schedule_on(target)
    failed = manager.run_backup(box, schedule)
    assert failed.status == "failed" and "no disk labelled 'absentdisk'" in failed.message
    alert = active_alert("backup.failed")
    assert alert is not None and alert.kind == "backup_failed"
    assert alert.params == {"schedule": "nightly", "target": "usb", "archive": ""}
    assert schedule.last_run_at is None  # still due: tried again at the next run
    BackupSchedule.update(target=folder_target(tmp_path)).execute()
    schedule = BackupSchedule.get()
    assert manager.run_backup(box, schedule).status == "ok"
    assert active_alert("backup.failed") is None


def test_a_damaged_archive_fails_verify_with_a_critical_alert(
    box: Settings, tmp_path: Path
) -> None:
    target = folder_target(tmp_path)
    schedule = schedule_on(target)
    made = manager.run_backup(box, schedule)
    path = Path(target.options["folder"]) / made.archive
    data = path.read_bytes()
    at = data.index(b"RIFF-welcome")
    path.write_bytes(data[:at] + b"riff" + data[at + 4 :])
    assert verifier.needs_verify(schedule, time.time())
    checked = verifier.verify_newest(box, schedule)
    assert checked is not None and checked.status == "failed"
    assert "prompts/en/welcome.wav does not match its sum" in checked.message
    alert = active_alert("backup.verify")
    assert alert is not None and alert.kind == "backup_verify_failed"
    assert alert.severity == alerts.CRITICAL and alert.params["archive"] == made.archive
    assert not verifier.needs_verify(schedule, time.time())  # not again every minute
    assert verifier.needs_verify(schedule, time.time() + verifier.REVERIFY_SECONDS)
    manager.run_backup(box, schedule)
    assert [s.name for s in verifier.due()] == ["nightly"]  # a new archive: verified next
    assert verifier.verify_newest(box, schedule).status == "ok"  # type: ignore[union-attr]
    assert active_alert("backup.verify") is None


def test_an_encrypted_schedule_takes_its_passphrase_from_the_secrets_file(
    box: Settings, tmp_path: Path
) -> None:
    target = folder_target(tmp_path)
    schedule = schedule_on(target, encrypt=True)
    refused = manager.run_backup(box, schedule)
    assert refused.status == "failed" and "has no passphrase set" in refused.message
    secrets.put(box, "schedules", schedule.id, {"passphrase": "owner's words"})
    path = secrets.path_of(box)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    made = manager.run_backup(box, schedule)
    assert made.status == "ok" and made.archive.endswith(".tar.enc")
    assert b"owner's words" not in (Path(box.paths.database)).read_bytes()
    assert verifier.verify_newest(box, schedule).status == "ok"  # type: ignore[union-attr]
    secrets.forget(box, "schedules", schedule.id)
    assert secrets.get(box, "schedules", schedule.id) == {}


def test_progress_is_written_to_the_run_as_it_goes(box: Settings, tmp_path: Path) -> None:
    schedule = schedule_on(folder_target(tmp_path), recordings=True)
    seen: list[tuple[str, float, str, float]] = []

    def watch(stage: str, fraction: float) -> None:
        row = BackupRun.get(BackupRun.kind == "backup")
        seen.append((stage, fraction, row.stage, row.progress))

    manager.run_backup(box, schedule, progress=watch)
    stages = [s[0] for s in seen]
    assert stages[0] == "archive" and "upload" in stages and stages[-1] == "retention"
    assert all(stored == stage for stage, _f, stored, _p in seen if stage != "archive")
    assert ("archive", 1.0) in [(s[0], s[1]) for s in seen]


def test_one_run_at_a_time(box: Settings, tmp_path: Path) -> None:
    schedule = schedule_on(folder_target(tmp_path))
    with manager.exclusive(box):
        busy = manager.run_backup(box, schedule)
    assert (
        busy.status == "failed" and "another backup, verify or restore is running" in busy.message
    )
    assert runlog.recent()[0].id == busy.id


def test_a_run_left_running_by_a_dead_process_is_closed(box: Settings, tmp_path: Path) -> None:
    schedule = schedule_on(folder_target(tmp_path))
    dead = runlog.start("backup", schedule, "nas")
    BackupRun.update(started_at=time.time() - 120).where(BackupRun.id == dead.id).execute()
    fresh = runlog.start("backup", schedule, "nas")  # just recorded by the web: left alone
    with manager.exclusive(box):
        assert manager.close_stale(box) == 0  # a run holds the lock: nothing is stale
    assert manager.close_stale(box) == 1
    closed = BackupRun.get_by_id(dead.id)
    assert closed.status == "failed" and closed.message.startswith("interrupted")
    assert BackupRun.get_by_id(fresh.id).status == "running"
    assert Alert.get(Alert.key == "backup.failed").cleared_at is None
