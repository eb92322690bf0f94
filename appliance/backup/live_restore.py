"""Restore on a running box (the web's Restore): fetch, verify, hold the services, restore, resume.

The archive (and the bases an incremental one needs) is fetched from its target into
the work folder and verified before anything stops.  Then the supervisor is asked to
hold the services that use the store (`appliance/supervisor/hold.py`), the restore runs
as on the command line (safety backup first, database last), the restored database is
migrated to this code's version, and the services are released.  Without a supervisor
(a web run on its own) the restore still refuses a running engine.

Progress goes to `<var>/backup/restore.json`, not the store: the store is what is being
replaced.  Afterwards the run is recorded in the restored store's run log and audit log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from peewee import Database

from appliance.backup import reader, restore
from appliance.backup.exceptions import BackupError
from appliance.backup.manager import exclusive, target_of, work_folder
from appliance.config import Settings
from appliance.hooks import runner
from appliance.store import migrations
from appliance.store.models import AuditEntry, BackupRun, BackupTarget
from appliance.supervisor import hold
from appliance.supervisor.const import SUPERVISOR_STATE
from appliance.supervisor.statefile import read_json, write_json_atomic

HELD = ["watchdog", "scheduler", "engine", "kamailio"]  # the web stays up to show progress
HOLD_SECONDS = 120.0  # written again at every step: a dead restore frees the box soon
WAIT_SECONDS = 60.0  # for the services to stop, and to start again


def status_path(settings: Settings) -> Path:
    """Return the restore's progress file."""
    return settings.var / "backup" / "restore.json"


def status(settings: Settings) -> dict[str, Any] | None:
    """Return the current or last restore's progress (None if none ran)."""
    document = read_json(status_path(settings))
    return document if isinstance(document, dict) else None


class _Progress:
    """Write the restore's progress file and keep the hold alive while it runs."""

    def __init__(self, settings: Settings, archive: str) -> None:
        self.settings, self.holding = settings, False
        self.state: dict[str, Any] = {
            "archive": archive, "status": "running", "stage": "", "progress": 0.0,
            "message": "", "started_at": time.time(),
        }  # fmt: skip

    def stage(self, stage: str, fraction: float = 0.0) -> None:
        """Record the stage and how far it is."""
        self.state.update(stage=stage, progress=round(fraction, 3))
        write_json_atomic(status_path(self.settings), self.state)
        if self.holding:
            hold.hold(self.settings.run_dir, HELD, "restore", HOLD_SECONDS)

    def end(self, status: str, message: str) -> None:
        """Record how the restore ended."""
        progress = 1.0 if status == "ok" else self.state["progress"]
        self.state.update(status=status, message=message, finished_at=time.time(),
                          stage="done", progress=progress)  # fmt: skip
        write_json_atomic(status_path(self.settings), self.state)


def restore_from_target(
    settings: Settings, database: Database, target: BackupTarget, name: str, passphrase: str,
    username: str,
) -> dict[str, Any]:  # fmt: skip
    """Restore the archive `name` of target onto this running box; return the final progress."""
    progress = _Progress(settings, name)
    progress.stage("download")
    work = Path(tempfile.mkdtemp(prefix="restore-", dir=work_folder(settings)))
    try:
        with exclusive(settings):
            message = _restore(settings, database, target, name, passphrase, progress, work)
        _record(database, target, name, username, progress.state, message)
        progress.end("ok", message)
    except Exception as exc:  # the admin reads why; nothing was touched unless said
        progress.end("failed", str(exc))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return progress.state


def _restore(
    settings: Settings, database: Database, target: BackupTarget, name: str, passphrase: str,
    progress: _Progress, work: Path,
) -> str:  # fmt: skip
    """Fetch, verify, hold, restore, migrate, release; return what was done."""
    local, bases = _fetch(settings, target, name, passphrase, work)
    progress.stage("verify")
    reader.verify(local, passphrase)
    progress.stage("stopping")
    supervised = _supervised(settings)
    if supervised:
        progress.holding = True
        hold.hold(settings.run_dir, HELD, "restore", HOLD_SECONDS)
    try:
        if supervised:
            _wait(settings, "stopped", "the services did not stop")
        progress.stage("restore")
        done = restore.restore(settings, local, passphrase, None,
                               lambda n, total, _name: progress.stage("restore", n / total),
                               bases=bases)  # fmt: skip
        progress.stage("migrate")
        with database.connection_context():
            migrations.migrate(database, Path(settings.paths.backups))
    finally:
        if supervised:
            progress.holding = False
            hold.release(settings.run_dir)
            progress.stage("starting")
            _wait(settings, "running", "the services did not start again")
    after = runner.run_event(settings, "post-restore", {"ARCHIVE": str(local.absolute())})
    failed = [h.hook.name for h in after if not h.ok]
    safety = f"; safety backup of what was here: {done.safety_backup}" if done.safety_backup else ""
    hooks = f"; post-restore hooks failed: {', '.join(failed)}" if failed else ""
    return f"restored {done.files} files from {name}{safety}{hooks}"


def _fetch(
    settings: Settings, target: BackupTarget, name: str, passphrase: str, work: Path
) -> tuple[Path, list[Path]]:
    """Copy the archive and every base it needs from the target; return their paths."""
    bases: list[Path] = []
    with target_of(settings, target) as opened:
        local = work / name
        opened.get(name, local)
        current = local
        while base := _base_of(current, passphrase):
            if len(bases) >= restore.MAX_CHAIN:
                raise BackupError(f"{name} has a chain of bases longer than {restore.MAX_CHAIN}")
            opened.get(base, work / base)
            current = work / base
            bases.append(current)
    return local, bases


def _base_of(path: Path, passphrase: str) -> str:
    """Return the base an archive names ("" for a full one)."""
    with reader.plain_tar(path, passphrase) as plain, tarfile.open(plain) as tar:
        return reader.read_manifest(tar).base


def _supervised(settings: Settings) -> bool:
    """Return true if a supervisor (`callbox run`) is running this box."""
    state = read_json(settings.run_dir / SUPERVISOR_STATE)
    if not isinstance(state, dict) or not isinstance(state.get("pid"), int):
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(state["pid"], 0)
        return True
    return False


def _wait(settings: Settings, wanted: str, why: str) -> None:
    """Wait until every held service the supervisor runs is in state `wanted`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = read_json(settings.run_dir / SUPERVISOR_STATE) or {}
        children = state.get("children", {})
        if all(children[n].get("state") == wanted for n in HELD if n in children):
            return
        time.sleep(0.2)
    raise BackupError(f"{why} within {WAIT_SECONDS:g} s", "services-stuck")


def _record(
    database: Database, target: BackupTarget, name: str, username: str, state: dict[str, Any],
    message: str,
) -> None:  # fmt: skip
    """Write the restore into the restored store's run log and audit log."""
    with database.connection_context():
        BackupRun.create(kind="restore", target_name=target.name, started_at=state["started_at"],
                         finished_at=time.time(), status="ok", stage="done", progress=1.0,
                         archive=name, message=message)  # fmt: skip
        AuditEntry.create(username=username, area="backups", object_key=f"archive:{name}",
                          action="restore", before=None, after={"target": target.name})  # fmt: skip
