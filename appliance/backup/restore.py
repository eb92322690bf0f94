"""Put an archive back: verify it, take a safety backup, unpack with the box stopped.

The database is replaced as a whole (its old `-wal`/`-shm` files removed first, so
SQLite cannot replay them onto the restored one); files of the other parts are written
over their folders — restore never deletes a recording.  An incremental archive
(manifest `base`) carries only newer recordings: the older ones are taken from its
base archives (`bases`, found beside it by `chain`), each checked like the archive.
Configuration files are put back only when asked (a new box of the same owner), to the same names.
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

MAX_CHAIN = 64  # a chain longer than this is a loop or a damaged run log
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
    bases: list[Path] | None = None,
) -> Restored:
    """Restore an archive onto this (stopped) box; raise BackupError saying why not.

    bases: the archives holding an incremental archive's older recordings, newest first
    (default: found beside it by `chain`).
    """
    bases = chain(path, passphrase) if bases is None else bases
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
            written = {f.path for f in manifest.files}
            for base in bases:
                done += _unpack_recordings(base, passphrase, written, staging, targets)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Restored(path, done, safety)


def chain(path: Path, passphrase: str = "") -> list[Path]:
    """Return the base archives of an incremental archive found beside it, newest first."""
    found: list[Path] = []
    current = path
    while True:
        with reader.plain_tar(current, passphrase) as plain, tarfile.open(plain) as tar:
            base = reader.read_manifest(tar).base
        if not base:
            return found
        candidate = path.parent / base
        if not candidate.is_file() or candidate in found or len(found) > MAX_CHAIN:
            raise BackupError(f"{current.name} carries only the newest recordings; the older ones "
                              f"are in {base}, which is not beside it in {path.parent}: put it "
                              "there and restore again", "missing-base")  # fmt: skip
        found.append(candidate)
        current = candidate


def _unpack_recordings(
    base: Path, passphrase: str, written: set[str], staging: Path, targets: dict[str, Path]
) -> int:
    """Unpack a base archive's recordings not written yet (after checking it); return how many."""
    with reader.plain_tar(base, passphrase) as plain, tarfile.open(plain) as tar:
        manifest = reader.check(tar, base).manifest
        wanted = [f for f in manifest.files if f.part == "recordings" and f.path not in written]
        written.update(f.path for f in wanted)
        return _unpack(tar, wanted, staging, targets, None)


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
