"""Open an archive and check it: every member listed, every sum right, the database sound.

`verify` is what the scheduled verify job and every restore run first.  Nothing is
unpacked before the whole archive has been checked, and nothing is unpacked outside
the folder given (member names with `..`, absolute paths, links and devices are
refused).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from appliance.backup import crypto
from appliance.backup.exceptions import ArchiveRefused
from appliance.backup.manifest import MANIFEST_NAME, Manifest, parse, safe_member
from appliance.store import migrations


@dataclass(frozen=True)
class Verified:
    """An archive that passed every check."""

    path: Path
    manifest: Manifest
    integrity: str  # SQLite's integrity_check of the restored database: "ok"


@contextlib.contextmanager
def plain_tar(path: Path, passphrase: str = "") -> Iterator[Path]:
    """Yield the path of the archive's plain tar (decrypted into a temporary file if need be)."""
    if not path.is_file():
        raise ArchiveRefused(f"no archive at {path}", "no-such-archive")
    if not crypto.is_encrypted(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=path.parent) as work:
        plain = Path(work) / "archive.tar"
        with plain.open("wb") as out:
            crypto.decrypt(path, out, passphrase)
        yield plain


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    """Return the archive's manifest, or raise ArchiveRefused."""
    try:
        member = tar.getmember(MANIFEST_NAME)
        stream = tar.extractfile(member)
    except KeyError:
        raise ArchiveRefused("the archive has no manifest: it is not a callbox backup") from None
    if stream is None:
        raise ArchiveRefused("the archive's manifest is not a file")
    return parse(stream.read().decode("utf-8", "replace"))


def check_members(tar: tarfile.TarFile, manifest: Manifest) -> None:
    """Raise ArchiveRefused unless the members are exactly the manifest's, each with its sum."""
    for member in tar.getmembers():
        if member.name == MANIFEST_NAME:
            continue
        if not safe_member(member.name) or not member.isfile():
            raise ArchiveRefused(f"unsafe member in the archive: {member.name!r}", "unsafe-path")
        entry = manifest.entry(member.name)
        if entry is None:
            raise ArchiveRefused(f"{member.name} is in the archive but not in its manifest")
        if _sha256(tar, member) != entry.sha256 or member.size != entry.size:
            raise ArchiveRefused(f"{member.name} does not match its sum: changed or damaged",
                                 "bad-sum")  # fmt: skip
    names = {m.name for m in tar.getmembers()}
    missing = [f.path for f in manifest.files if f.path not in names]
    if missing:
        raise ArchiveRefused(f"the archive lacks {', '.join(missing[:3])}", "bad-sum")


def _sha256(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    """Return the sha256 of a member's content."""
    digest, stream = hashlib.sha256(), tar.extractfile(member)
    assert stream is not None
    while block := stream.read(1 << 20):
        digest.update(block)
    return digest.hexdigest()


def check_version(manifest: Manifest) -> None:
    """Raise ArchiveRefused if the archive's database is newer than this callbox."""
    if manifest.database_version > migrations.latest_version():
        raise ArchiveRefused(
            f"the archive's database is at version {manifest.database_version}, newer than "
            f"this callbox ({migrations.latest_version()}, callbox {manifest.callbox_version} "
            "made it): upgrade callbox first",
            "archive-too-new",
        )


def verify(path: Path, passphrase: str = "") -> Verified:
    """Check every sum and restore the database into a temporary folder to check its integrity."""
    with plain_tar(path, passphrase) as plain, tarfile.open(plain) as tar:
        return check(tar, path)


def check(tar: tarfile.TarFile, path: Path) -> Verified:
    """Run every check of `verify` on an archive's open plain tar."""
    manifest = read_manifest(tar)
    check_members(tar, manifest)
    check_version(manifest)
    with tempfile.TemporaryDirectory(prefix=".verify-db-") as work:
        database = Path(work) / "callbox.db"
        stream = tar.extractfile("database/callbox.db")
        assert stream is not None
        database.write_bytes(stream.read())
        result = integrity(database)
    if result != "ok":
        raise ArchiveRefused(f"the archive's database fails its integrity check: {result}")
    return Verified(path, manifest, result)


def integrity(database: Path) -> str:
    """Return SQLite's integrity_check of a database file ("ok" when sound)."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
