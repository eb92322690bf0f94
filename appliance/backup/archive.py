"""Write a backup archive: a tar of the parts with `manifest.json` last, written atomically.

The database is copied with SQLite's online backup API (a consistent copy while the
box runs — never a file copy).  Other parts are the files under their folders; a
recording still being written (changed in the last few seconds) is left for the next
backup.  The tar is built under a dot-name in the target folder, optionally
encrypted, fsynced and renamed into place, so a partial archive is never listed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from appliance import __version__
from appliance.backup import crypto
from appliance.backup.manifest import FORMAT_VERSION, MANIFEST_NAME, FileEntry, Manifest
from appliance.config import Settings

SUFFIX, ENCRYPTED_SUFFIX = ".tar", ".tar.enc"
SETTLING_SECONDS = 5.0  # a file changed this recently may still be written
Progress = Callable[[int, int], None]  # files written, files in all


Signature = tuple[int, int]  # a recording's size and mtime in nanoseconds


@dataclass(frozen=True)
class Increment:
    """An incremental archive: only recordings its chain lacks; the others are in `base`."""

    base: str  # the previous archive's name (it holds the older recordings, or its base does)
    since: float  # UNIX time the base was made (in the manifest, for people reading it)
    known: dict[str, Signature]  # recordings the chain holds, path under recordings/ -> sig


@dataclass(frozen=True)
class Sources:
    """Where each part's files come from on this box."""

    database: Path
    folders: dict[str, Path]  # part -> folder (prompts, voicemail, recordings, secrets)
    config_files: list[Path]  # the main config file and conf.d/*.yml that exist


def sources(
    settings: Settings, config_file: Path | None = None, recordings: bool = True
) -> Sources:
    """Return the parts of this box (recordings only when asked for)."""
    folders = {
        "prompts": Path(settings.paths.prompts),
        "voicemail": settings.var / "voicemail",
        "secrets": settings.var / "tls",
    }
    if recordings:
        folders["recordings"] = Path(settings.paths.recordings)
    configs = []
    if config_file is not None and config_file.is_file():
        configs = [config_file, *sorted((config_file.parent / "conf.d").glob("*.yml"))]
    return Sources(Path(settings.paths.database), folders, configs)


def archive_name(now: float, encrypted: bool) -> str:
    """Return the file name of an archive made at now (UTC, sortable)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"callbox-{stamp}{ENCRYPTED_SUFFIX if encrypted else SUFFIX}"


def create(
    source: Sources,
    target_dir: Path,
    passphrase: str = "",
    now: float | None = None,
    increment: Increment | None = None,
    progress: Progress | None = None,
    recordings_seen: dict[str, Signature] | None = None,
) -> Path:
    """Write an archive of source into target_dir and return its path.

    recordings_seen, when given, is filled with every settled recording's signature
    (those carried and those the increment's chain already holds): the next increment's
    `known`.
    """
    now = time.time() if now is None else now
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / archive_name(now, bool(passphrase))
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=target_dir) as work:
        plain = Path(work) / "archive.tar"
        members = _members(source, now, increment, recordings_seen)
        _write_tar(source, plain, Path(work), now, members, increment, progress)
        if passphrase:
            with _atomic(final) as out:
                crypto.encrypt(plain, out, passphrase)
        else:
            with _atomic(final) as out, plain.open("rb") as data:
                while block := data.read(1 << 20):
                    out.write(block)
    return final


def _members(
    source: Sources, now: float, increment: Increment | None,
    seen: dict[str, Signature] | None,
) -> list[tuple[Path, str]]:  # fmt: skip
    """Return every file to archive but the database, with its member name."""
    members = [
        (
            path,
            f"config/conf.d/{path.name}" if path.parent.name == "conf.d" else f"config/{path.name}",
        )
        for path in source.config_files
    ]
    known = increment.known if increment is not None else {}
    for part, folder in sorted(source.folders.items()):
        for path in _settled_files(folder, now):
            relative = path.relative_to(folder).as_posix()
            if part == "recordings":
                stat = path.stat()
                signature = (stat.st_size, stat.st_mtime_ns)
                if seen is not None:
                    seen[relative] = signature
                if tuple(known.get(relative, ())) == signature:
                    continue  # already in the chain, unchanged
            members.append((path, f"{part}/{relative}"))
    return members


def _write_tar(
    source: Sources, plain: Path, work: Path, now: float, members: list[tuple[Path, str]],
    increment: Increment | None, progress: Progress | None,
) -> None:  # fmt: skip
    """Write the tar of the database and members, the manifest last."""
    database = work / "callbox.db"
    version = _copy_database(source.database, database)
    entries: list[FileEntry] = []
    with tarfile.open(plain, "w", format=tarfile.PAX_FORMAT) as tar:
        entries.append(_add(tar, database, "database/callbox.db"))
        for done, (path, name) in enumerate(members, 1):
            entries.append(_add(tar, path, name))
            if progress is not None:
                progress(done, len(members))
        parts = sorted({e.part for e in entries} | {"database"} |
                       ({"recordings"} if increment is not None else set()))  # fmt: skip
        manifest = Manifest(__version__, now, socket.gethostname(), parts, version, entries)
        if increment is not None:
            manifest.format_version = FORMAT_VERSION
            manifest.base, manifest.recordings_since = increment.base, increment.since
        body = manifest.to_json().encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime, info.mode = len(body), int(now), 0o600
        tar.addfile(info, io.BytesIO(body))


def _copy_database(source: Path, copy: Path) -> int:
    """Copy the live database with the online backup API; return its migration version."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(copy)
    try:
        src.backup(dest)
        row = dest.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    except sqlite3.OperationalError:
        row = (0,)
    finally:
        src.close()
        dest.close()
    return int(row[0] or 0)


def _settled_files(folder: Path, now: float) -> Iterator[Path]:
    """Yield the regular files under folder, sorted, leaving out ones still being written."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if (
            path.is_file()
            and not path.is_symlink()
            and now - path.stat().st_mtime >= SETTLING_SECONDS
        ):
            yield path


def _add(tar: tarfile.TarFile, path: Path, name: str) -> FileEntry:
    """Add a file to the tar under name, hashing exactly the bytes written."""
    size = path.stat().st_size
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o600
    with path.open("rb") as stream:
        hashing = _Hashing(stream)
        tar.addfile(info, hashing)
    return FileEntry(name, size, hashing.digest.hexdigest())


class _Hashing(io.RawIOBase):
    """A reader that hashes what tarfile reads through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        """Return the next bytes, hashed."""
        data = self.stream.read(size)
        self.digest.update(data)
        return data


@contextlib.contextmanager
def _atomic(final: Path) -> Iterator[BinaryIO]:
    """Yield a file under a dot-name beside final; fsync and rename it there on success."""
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
