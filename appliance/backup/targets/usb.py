"""The USB disk target: a disk found by its filesystem label, mounted while it is used.

The disk is found with `blkid -L LABEL` (then /dev/disk/by-label/).  When the system
already has it mounted, that mount point is used; otherwise it is mounted under the
run folder for the one operation and unmounted after, so it can be unplugged between
backups.  Archives go into a folder on the disk (`folder`, default callbox-backups).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import ClassVar

from appliance.backup.targets.base import TargetUnavailable
from appliance.backup.targets.local import FolderTarget

DEFAULT_FOLDER = "callbox-backups"
COMMAND_SECONDS = 30


def find_device(label: str) -> Path | None:
    """Return the block device whose filesystem has this label, None when none is plugged in."""
    try:
        found = subprocess.run(["blkid", "-c", "/dev/null", "-L", label], capture_output=True,
                               text=True, timeout=COMMAND_SECONDS, check=False)  # fmt: skip
    except FileNotFoundError:
        found = None
    if found is not None and found.returncode == 0 and found.stdout.strip():
        return Path(found.stdout.strip())
    link = Path("/dev/disk/by-label") / label
    return link.resolve() if link.exists() else None


def mount_point(device: Path, mounts: Path = Path("/proc/mounts")) -> Path | None:
    """Return where the device is mounted now, None when it is not."""
    real = os.path.realpath(device)
    for line in mounts.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 2 and os.path.realpath(fields[0]) == real:
            return Path(fields[1].replace("\\040", " "))
    return None


class UsbTarget(FolderTarget):
    """A USB disk by filesystem label."""

    kind: ClassVar[str] = "usb"
    OPTIONS: ClassVar[tuple[str, ...]] = ("label", "folder")
    _mounted: Path | None = None  # the mount point this target made (unmounted on close)
    _root: Path | None = None

    def open(self) -> None:
        """Find the disk and mount it if the system has not."""
        label = self.option("label")
        device = find_device(label)
        if device is None:
            raise TargetUnavailable(f"no disk labelled {label!r} is plugged in: plug it in "
                                    "(or check its label with blkid)", "disk-absent")  # fmt: skip
        root = mount_point(device)
        if root is None:
            root = self.settings.run_dir / "usb" / label
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            _command(["mount", str(device), str(root)], f"cannot mount {device}")
            self._mounted = root
        self._root = root

    def close(self) -> None:
        """Unmount the disk if this target mounted it."""
        if self._mounted is not None:
            _command(["umount", str(self._mounted)], f"cannot unmount {self._mounted}")
            self._mounted.rmdir()
            self._mounted = None
        self._root = None

    def folder(self) -> Path:
        """Return the archives' folder on the disk (created when missing)."""
        if self._root is None:
            raise TargetUnavailable("the USB target is used outside a with block")
        sub = str(self.options.get("folder") or DEFAULT_FOLDER).strip("/")
        if ".." in Path(sub).parts:
            raise TargetUnavailable(f"the folder {sub!r} leaves the disk", "bad-target")
        folder = self._root / sub
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TargetUnavailable(f"cannot write to the disk: {exc.strerror}") from None
        return folder

    def check(self) -> str:
        """Return the disk's free space and archive count."""
        stat = os.statvfs(self.folder())
        free = stat.f_bavail * stat.f_frsize // (1 << 20)
        return f"{len(self.names())} archive(s) on the disk, {free} MiB free"


def _command(argv: list[str], what: str) -> None:
    """Run a mount command; raise TargetUnavailable with its error when it fails."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_SECONDS,
                              check=False)  # fmt: skip
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        raise TargetUnavailable(f"{what}: {exc}") from None
    if done.returncode != 0:
        raise TargetUnavailable(f"{what}: {done.stderr.strip() or done.returncode}")


TARGET = UsbTarget
