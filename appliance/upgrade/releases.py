"""Releases side by side: `<prefix>/releases/<version>/` and `<prefix>/current` linking one.

The link is switched atomically (a new link under a temporary name renamed over the
old one), so the box always has one whole release as `current`; the previous release
stays on disk and switching back is the same rename.  A release is unpacked under a
dot-name and renamed into place only when complete.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from appliance.supervisor.statefile import fsync_dir
from appliance.upgrade import bundle
from appliance.upgrade.bundle import Manifest
from appliance.upgrade.const import CURRENT_LINK, ENTRY_POINT, RELEASES_DIR


class Releases:
    """The installed releases under one prefix."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix.absolute()
        self.folder = self.prefix / RELEASES_DIR
        self.link = self.prefix / CURRENT_LINK

    def current(self) -> str | None:
        """Return the version `current` links to, or None when no release is installed."""
        if not self.link.is_symlink():
            return None
        return Path(os.readlink(self.link)).name

    def path(self, version: str) -> Path:
        """Return the folder of a release."""
        return self.folder / version

    def command(self, version: str | None = None) -> Path:
        """Return the `callbox` command of a release (default: the current one)."""
        return (self.path(version) if version else self.link) / ENTRY_POINT

    def installed(self) -> list[str]:
        """Return the versions on disk, sorted by name."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if not p.name.startswith("."))

    def install(self, source: Path, manifest: Manifest) -> Path:
        """Unpack a verified bundle as release manifest.version (replacing a stale copy)."""
        final = self.path(manifest.version)
        staging = self.folder / f".{manifest.version}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            bundle.extract(source, manifest, staging)
            if final.exists():  # a copy left by an earlier attempt that was rolled back
                shutil.rmtree(final)
            os.replace(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return final

    def switch(self, version: str | None) -> None:
        """Point `current` at a release atomically; None removes the link (nothing installed)."""
        if version is None:
            self.link.unlink(missing_ok=True)
            return
        temporary = self.prefix / f".{CURRENT_LINK}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(Path(RELEASES_DIR) / version, temporary)  # relative: the prefix may move
        os.replace(temporary, self.link)
        fsync_dir(self.prefix)
