"""Backups on a real store and real files: back up, wipe, restore gives the same box back."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tarfile
import time
from pathlib import Path
from typing import BinaryIO

import pytest
from peewee import Database

from appliance import demo
from appliance.backup import archive, reader, restore, retention
from appliance.backup.exceptions import ArchiveRefused, BackupError, WrongPassphrase
from appliance.config import Settings
from appliance.engine.control import ControlServer
from appliance.store.manager import open_store

OLD = time.time() - 3600  # files settled long ago


def put(folder: Path, name: str, data: bytes) -> Path:
    """Write a file an hour old under folder."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (OLD, OLD))
    return path


@pytest.fixture
def box(settings: Settings, store: Database) -> Settings:
    """Return a box with the demo data, prompts, a voicemail message and recordings."""
    demo.load_demo(settings)
    put(Path(settings.paths.prompts), "en/welcome.wav", b"RIFF-welcome" * 100)
    put(settings.var / "voicemail", "1001/msg-1.wav", b"RIFF-voicemail" * 50)
    put(Path(settings.paths.recordings), "2026/11/27/c1.wav", os.urandom(300_000))
    put(settings.var / "tls", "cert.pem", b"-----BEGIN CERTIFICATE-----")
    return settings


def counts(database: Path) -> dict[str, int]:
    """Return the row count of every table."""
    conn = sqlite3.connect(database)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def sums(settings: Settings) -> dict[str, str]:
    """Return the sha256 of every file of the parts (database left out)."""
    folders = archive.sources(settings).folders
    return {
        f"{part}/{p.relative_to(folder)}": hashlib.sha256(p.read_bytes()).hexdigest()
        for part, folder in folders.items()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def wipe(settings: Settings, store: Database) -> None:
    """Lose the database and every file, as a dead disk would."""
    store.close()
    Path(settings.paths.database).unlink()
    for folder in archive.sources(settings).folders.values():
        for path in folder.rglob("*"):
            if path.is_file():
                path.unlink()


def test_backup_wipe_restore_gives_identical_rows_and_files(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    rows_before, files_before = counts(Path(box.paths.database)), sums(box)
    made = archive.create(archive.sources(box), tmp_path / "out")
    assert retention.archives(tmp_path / "out") == [made]
    assert reader.verify(made).integrity == "ok"
    wipe(box, store)
    result = restore.restore(box, made)
    assert result.safety_backup is None  # nothing was left to save
    assert counts(Path(box.paths.database)) == rows_before and rows_before["agent"] == 5
    assert sums(box) == files_before and len(files_before) == 4
    open_store(box).close()  # the restored store opens as the box opens it


def test_an_encrypted_archive_needs_its_passphrase(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    put(Path(box.paths.recordings), "2026/11/27/long.wav", os.urandom(1_500_000))  # 2+ chunks
    made = archive.create(archive.sources(box), tmp_path, passphrase="correct horse")
    assert made.name.endswith(".tar.enc") and b"RIFF" not in made.read_bytes()
    with pytest.raises(WrongPassphrase, match="does not open"):
        reader.verify(made, "wrong horse")
    with pytest.raises(WrongPassphrase, match="give its passphrase"):
        reader.verify(made)
    assert reader.verify(made, "correct horse").manifest.files
    data = bytearray(made.read_bytes())
    data[-5000] ^= 0x01  # one bit flipped in the last chunk
    made.write_bytes(bytes(data))
    with pytest.raises(ArchiveRefused, match="changed or damaged"):
        reader.verify(made, "correct horse")
    made.write_bytes(bytes(data[: len(data) - 100]))  # cut short
    with pytest.raises(ArchiveRefused):
        reader.verify(made, "correct horse")


def test_a_tampered_member_is_refused(box: Settings, store: Database, tmp_path: Path) -> None:
    made = archive.create(archive.sources(box), tmp_path)
    data = made.read_bytes()
    at = data.index(b"RIFF-voicemail")
    made.write_bytes(data[:at] + b"riff" + data[at + 4 :])
    with pytest.raises(
        ArchiveRefused, match=r"voicemail/1001/msg-1\.wav does not match its sum"
    ) as e:
        reader.verify(made)
    assert e.value.error_id == "bad-sum"
    with pytest.raises(ArchiveRefused):
        restore.restore(box, made)
    assert counts(Path(box.paths.database))["agent"] == 5  # nothing was touched


def rewrite(made: Path, target: Path, change: dict[str, bytes]) -> Path:
    """Copy an archive's members to target, replacing the named ones' content."""
    with tarfile.open(made) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            stream = old.extractfile(member)
            assert stream is not None
            body = change.pop(member.name, None) or stream.read()
            member.size = len(body)
            new.addfile(member, __import__("io").BytesIO(body))
        for name, body in change.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            new.addfile(info, __import__("io").BytesIO(body))
    return target


def manifest_of(made: Path) -> str:
    """Return an archive's manifest text."""
    with tarfile.open(made) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return stream.read().decode()


def test_newer_archives_and_unsafe_paths_are_refused(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    made = archive.create(archive.sources(box, recordings=False), tmp_path)
    text = manifest_of(made)
    future = text.replace('"format_version": 1', '"format_version": 9')
    newer = rewrite(made, tmp_path / "newer.tar", {"manifest.json": future.encode()})
    with pytest.raises(ArchiveRefused, match="format 9; this callbox reads up to 2"):
        reader.verify(newer)
    version = text.split('"database_version": ')[1].split(",")[0]
    ahead = text.replace(f'"database_version": {version}', '"database_version": 9999')
    db_newer = rewrite(made, tmp_path / "db-newer.tar", {"manifest.json": ahead.encode()})
    with pytest.raises(ArchiveRefused, match="newer than this callbox") as e:
        restore.restore(box, db_newer)
    assert e.value.error_id == "archive-too-new"
    evil = text.replace('"path": "prompts/en/welcome.wav"', '"path": "prompts/../../../etc/evil"')
    traversal = rewrite(made, tmp_path / "evil.tar", {"manifest.json": evil.encode()})
    with pytest.raises(ArchiveRefused, match=r"unsafe paths: prompts/\.\./\.\./\.\./etc/evil"):
        reader.verify(traversal)
    extra = rewrite(made, tmp_path / "extra.tar", {"../outside": b"x"})
    with pytest.raises(ArchiveRefused, match="unsafe member"):
        reader.verify(extra)
    assert not (tmp_path.parent / "outside").exists()


def test_restore_takes_a_safety_backup_and_refuses_a_running_box(
    box: Settings, store: Database, tmp_path: Path
) -> None:
    made = archive.create(archive.sources(box, recordings=False), tmp_path)
    engine = ControlServer(box.engine.control_socket, lambda cmd, args: {"pid": 1})
    engine.start()
    try:
        with pytest.raises(BackupError, match="the box is running: stop it first"):
            restore.restore(box, made)
    finally:
        engine.stop()
    done: list[tuple[int, int, str]] = []
    result = restore.restore(box, made, progress=lambda *step: done.append(step))
    assert result.safety_backup is not None and reader.verify(result.safety_backup)
    assert done[-1][0] == done[-1][1] == result.files and done[-1][2] == "database/callbox.db"


def test_a_backup_cut_short_leaves_no_archive(
    box: Settings, store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(source: Path, target: BinaryIO, passphrase: str) -> None:
        target.write(b"half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.crypto, "encrypt", disk_full)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        archive.create(archive.sources(box), out, passphrase="pw")
    assert list(out.iterdir()) == []  # neither the partial file nor the work folder


def test_retention_keeps_the_newest_and_never_fewer_than_two() -> None:
    names = [f"callbox-2026110{d}-010000.tar" for d in range(1, 6)]
    assert retention.expired(names, keep=3) == names[:2]
    assert retention.expired(names, keep=1) == names[:3]  # two stay whatever is asked
    assert retention.expired(names[:2], keep=1) == []
