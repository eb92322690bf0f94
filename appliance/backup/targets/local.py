"""The local target: archives in a folder of this box (or a disk mounted by the system)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import ClassVar

from appliance.backup.targets.base import Target, TargetUnavailable, check_name, is_archive_name
from appliance.supervisor.statefile import fsync_dir


class FolderTarget(Target):
    """Archives as files in a folder: copied in under a dot-name, fsynced, renamed."""

    def folder(self) -> Path:
        """Return the folder the archives are in."""
        raise NotImplementedError

    def put(self, local: Path, name: str) -> None:
        """Copy local into the folder as name, atomically."""
        folder = self.folder()
        final = folder / check_name(name)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as out, local.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
            fsync_dir(folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def names(self) -> dict[str, int]:
        """Return the finished archives in the folder."""
        folder = self.folder()
        return {p.name: p.stat().st_size for p in sorted(folder.iterdir())
                if p.is_file() and is_archive_name(p.name)}  # fmt: skip

    def get(self, name: str, local: Path) -> None:
        """Copy an archive out of the folder."""
        source = self.folder() / check_name(name)
        if not source.is_file():
            raise TargetUnavailable(f"no archive {name} at {self.folder()}", "no-such-archive")
        shutil.copyfile(source, local)

    def delete(self, name: str) -> None:
        """Remove an archive from the folder."""
        (self.folder() / check_name(name)).unlink(missing_ok=True)
        fsync_dir(self.folder())


class LocalTarget(FolderTarget):
    """A folder of this box (created when missing)."""

    kind: ClassVar[str] = "local"
    OPTIONS: ClassVar[tuple[str, ...]] = ("folder",)

    def folder(self) -> Path:
        """Return the configured folder, created when missing."""
        folder = Path(self.option("folder"))
        if not folder.is_absolute():
            raise TargetUnavailable(f"the folder {folder} must be an absolute path", "bad-target")
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise TargetUnavailable(f"cannot use the folder {folder}: {exc.strerror}") from None
        if not os.access(folder, os.W_OK):
            raise TargetUnavailable(f"the folder {folder} is not writable")
        return folder


TARGET = LocalTarget
