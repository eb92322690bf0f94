"""Put an archive back: verify it, take a safety backup, unpack with the box stopped.

The database is replaced as a whole (its old `-wal`/`-shm` files removed first, so
SQLite cannot replay them onto the restored one); files of the other parts are written
over their folders — restore never deletes a recording.  Configuration files are put
back only when asked (a new box of the same owner), to the same names.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from appliance.backup import archive, reader
from appliance.backup.exceptions import BackupError
from appliance.backup.manifest import FileEntry
from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable

Progress = Callable[[int, int, str], None]  # done, total, member name


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    archive: Path
    files: int
    safety_backup: Path | None


def box_running(settings: Settings) -> bool:
    """Return true if the engine answers on its control socket (the box is up)."""
    try:
        ControlClient(settings.engine.control_socket, timeout=1.0).call("ping")
    except (EngineUnavailable, ControlError, OSError):
        return False
    return True


def restore(
    settings: Settings,
    path: Path,
    passphrase: str = "",
    config_file: Path | None = None,
    progress: Progress | None = None,
) -> Restored:
    """Restore an archive onto this (stopped) box; raise BackupError saying why not."""
    with reader.plain_tar(path, passphrase) as plain, tarfile.open(plain) as tar:
        manifest = reader.check(tar, path).manifest  # decrypted and checked once, then unpacked
        if box_running(settings):
            raise BackupError("the box is running: stop it first (Ctrl-C `callbox run`, or "
                              "systemctl stop callbox), then restore", "box-running")  # fmt: skip
        safety = None
        if Path(settings.paths.database).exists():
            source = archive.sources(settings, config_file, recordings=False)
            safety = archive.create(source, Path(settings.paths.backups) / "safety")
        targets = _targets(settings, config_file)
        staging = settings.var / ".restore"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            done = _unpack(tar, manifest.files, staging, targets, progress)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Restored(path, done, safety)


def _targets(settings: Settings, config_file: Path | None) -> dict[str, Path]:
    """Return where each part's files go on this box."""
    folders = archive.sources(settings, None, recordings=True).folders
    targets = dict(folders)
    targets["database"] = Path(settings.paths.database)  # the file itself, whatever its name
    if config_file is not None:
        targets["config"] = config_file.parent
    return targets


def _unpack(
    tar: tarfile.TarFile,
    files: list[FileEntry],
    staging: Path,
    targets: dict[str, Path],
    progress: Progress | None,
) -> int:
    """Move every member into place (the database last); return how many were restored."""
    wanted = [f for f in files if f.part in targets]
    ordered = sorted(wanted, key=lambda f: f.part == "database")
    for done, entry in enumerate(ordered, 1):
        relative = entry.path.split("/", 1)[1]
        staged = staging / entry.path
        staged.parent.mkdir(parents=True, exist_ok=True)
        stream = tar.extractfile(entry.path)
        assert stream is not None
        with staged.open("wb") as out:
            shutil.copyfileobj(stream, out)
            out.flush()
            os.fsync(out.fileno())
        is_database = entry.part == "database"
        final = targets["database"] if is_database else targets[entry.part] / relative
        _move(staged, final, is_database)
        if progress is not None:
            progress(done, len(ordered), entry.path)
    return len(ordered)


def _move(staged: Path, final: Path, database: bool) -> None:
    """Replace final with staged (a database loses its old write-ahead log first)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if database:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{final}{suffix}").unlink(missing_ok=True)
    os.replace(staged, final)
