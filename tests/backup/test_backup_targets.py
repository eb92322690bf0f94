"""Backup targets for real: a folder, a labelled disk image on a loop device, a real sshd.

The USB test needs root and `losetup` (a disk we cannot plug in is a loop device with a
real ext4 filesystem and label); without them it fails saying so, it does not pretend.
The SFTP test starts OpenSSH's sshd on a loopback port with a host key and an
authorized key generated for the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sshd_support import sshd

from appliance.backup.exceptions import BackupError
from appliance.backup.targets import discover, open_target
from appliance.backup.targets.base import Target, TargetUnavailable
from appliance.backup.targets.sftp import scan_host_key
from appliance.config import Settings

__all__ = ["sshd"]  # the fixture
NAME, OTHER = "callbox-20261128-010000.tar", "callbox-20261128-020000.tar.enc"


def exercise(target: Target, tmp_path: Path) -> None:
    """Put, list, get and delete two archives through a target, checking each step."""
    first, second = tmp_path / "a.tar", tmp_path / "b.tar"
    first.write_bytes(b"first archive " * 1000)
    second.write_bytes(os.urandom(70_000))
    target.put(first, NAME)
    target.put(second, OTHER)
    assert target.names() == {NAME: 14_000, OTHER: 70_000}
    copy = tmp_path / "copy"
    target.get(OTHER, copy)
    assert copy.read_bytes() == second.read_bytes()
    target.delete(NAME)
    assert target.names() == {OTHER: 70_000}
    with pytest.raises(BackupError, match="not a callbox archive name"):
        target.put(first, "../escape.tar")
    with pytest.raises(BackupError, match="not a callbox archive name"):
        target.get(".callbox-20261128-010000.tar.partial", copy)


def test_every_kind_is_discovered() -> None:
    assert set(discover()) == {"local", "usb", "sftp"}


def test_unknown_kind_is_refused(settings: Settings) -> None:
    with pytest.raises(BackupError, match="unknown backup target kind 'tape'"):
        open_target("tape", {}, {}, settings)


def test_local_folder_puts_lists_gets_deletes(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "archives"
    with open_target("local", {"folder": str(folder)}, {}, settings) as target:
        assert target.names() == {}  # the folder is made on first use
        (folder / f".{NAME}.half").write_bytes(b"partial")  # an upload cut short
        (folder / "notes.txt").write_text("not an archive")
        exercise(target, tmp_path)
        assert target.check() == "1 archive(s) at the local target"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_local_put_that_fails_leaves_no_partial_archive(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "archives"
    with open_target("local", {"folder": str(folder)}, {}, settings) as target:
        with pytest.raises(FileNotFoundError):
            target.put(tmp_path / "missing.tar", NAME)
        assert target.names() == {} and list(folder.iterdir()) == []


def test_local_relative_or_missing_folder_is_refused(settings: Settings) -> None:
    with pytest.raises(BackupError, match="needs its 'folder' option"):
        open_target("local", {}, {}, settings).names()
    with pytest.raises(TargetUnavailable, match="must be an absolute path"):
        open_target("local", {"folder": "backups"}, {}, settings).names()


# --- USB: a labelled ext4 image on a loop device --------------------------------------


@pytest.fixture
def usb_disk(tmp_path: Path) -> Iterator[str]:
    """Attach a small ext4 image labelled for this test to a loop device; yield its label."""
    if os.geteuid() != 0 or shutil.which("losetup") is None or shutil.which("mkfs.ext4") is None:
        pytest.fail("the USB target test needs root, losetup and mkfs.ext4 (a real loop device)")
    label = f"cbx{os.getpid() % 100000}"
    image = tmp_path / "disk.img"
    with image.open("wb") as out:
        out.truncate(8 << 20)
    subprocess.run(["mkfs.ext4", "-q", "-L", label, str(image)], check=True, timeout=60)
    attached = subprocess.run(["losetup", "--find", "--show", str(image)], capture_output=True,
                              text=True, timeout=30, check=False)  # fmt: skip
    if attached.returncode != 0:
        pytest.fail(f"losetup could not attach a loop device: {attached.stderr.strip()}")
    device = attached.stdout.strip()
    try:
        yield label
    finally:
        subprocess.run(["umount", device], capture_output=True, timeout=30, check=False)
        subprocess.run(["losetup", "-d", device], timeout=30, check=True)


def mounted(path: Path) -> bool:
    """Return true if path is a mount point now."""
    return any(
        line.split()[1] == str(path) for line in Path("/proc/mounts").read_text().splitlines()
    )


def test_usb_disk_by_label_is_mounted_used_and_unmounted(
    settings: Settings, usb_disk: str, tmp_path: Path
) -> None:
    target = open_target("usb", {"label": usb_disk}, {}, settings)
    with target:
        exercise(target, tmp_path)
        where = settings.run_dir / "usb" / usb_disk
        assert mounted(where)
        assert "1 archive(s) on the disk" in target.check()
    assert not mounted(where) and not where.exists()
    with open_target(
        "usb", {"label": usb_disk, "folder": "callbox-backups"}, {}, settings
    ) as again:
        assert again.names() == {OTHER: 70_000}  # kept on the disk between mounts


def test_usb_disk_absent_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(TargetUnavailable, match="no disk labelled 'nosuchdisk' is plugged in"):
        open_target("usb", {"label": "nosuchdisk"}, {}, settings).open()


# --- SFTP: a real OpenSSH sshd on loopback (tests/support/sshd_support.py) -------------


def sftp_options(sshd: dict[str, str], **changes: str) -> dict[str, str]:
    """Return an SFTP target's options reaching the test's sshd."""
    options = {
        "host": "127.0.0.1",
        "port": sshd["port"],
        "username": "root",
        "folder": sshd["folder"],
        "host_key": sshd["host_key"],
        "key_file": sshd["key_file"],
    }
    return {**options, **changes}  # fmt: skip


def test_sftp_puts_lists_gets_deletes_with_the_host_key_checked(
    settings: Settings, sshd: dict[str, str], tmp_path: Path
) -> None:
    assert scan_host_key("127.0.0.1", int(sshd["port"])) == sshd["host_key"]
    with open_target("sftp", sftp_options(sshd), {}, settings) as target:
        exercise(target, tmp_path)
        assert target.check() == "1 archive(s) at the sftp target"
    remote = Path(sshd["folder"])
    assert sorted(p.name for p in remote.iterdir()) == [OTHER]  # no partial name left


def test_sftp_another_host_key_is_refused(settings: Settings, sshd: dict[str, str]) -> None:
    other = " ".join(sshd["rsa_key"].split()[:2])  # a real key of another type
    with pytest.raises(TargetUnavailable, match=r"shows a different host key .* refused"):
        open_target("sftp", sftp_options(sshd, host_key=other), {}, settings).open()
    server = sshd["host_key"].split()
    impostor = subprocess.run(["ssh-keygen", "-y", "-f", sshd["key_file"]], capture_output=True,
                              text=True, check=True, timeout=30).stdout.split()  # fmt: skip
    assert impostor[0] == server[0]  # same type, other key: the mismatch case
    with pytest.raises(TargetUnavailable, match=r"shows a different host key .* refused"):
        impostor_key = " ".join(impostor[:2])
        open_target("sftp", sftp_options(sshd, host_key=impostor_key), {}, settings).open()


def test_sftp_without_credentials_or_stored_key_is_refused(
    settings: Settings, sshd: dict[str, str]
) -> None:
    with pytest.raises(TargetUnavailable, match="needs a key file or a password"):
        open_target("sftp", sftp_options(sshd, key_file=""), {}, settings).open()
    with pytest.raises(BackupError, match="needs its 'host_key' option"):
        open_target("sftp", sftp_options(sshd, host_key=""), {}, settings).open()
    with pytest.raises(TargetUnavailable, match="cannot log in"):
        open_target("sftp", sftp_options(sshd, key_file=""), {"password": "guess"}, settings).open()
