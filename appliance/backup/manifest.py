"""The archive's table of contents: what it holds, from which box, with a sum per file.

`manifest.json` is the archive's last member (written once every sum is known).  A
reader trusts nothing in the archive that the manifest does not list with the same
size and sha256, and refuses a manifest of a format it does not know.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from appliance.backup.exceptions import ArchiveRefused

FORMAT_VERSION = 2  # the newest this code reads; 2: an incremental archive (has a base)
FULL_FORMAT = 1  # a full archive is still written as format 1: older callboxes read it
MANIFEST_NAME = "manifest.json"
_ARCHIVE_NAME = re.compile(r"^callbox-\d{8}-\d{6}\.tar(\.enc)?$")
PARTS = ("database", "config", "secrets", "prompts", "voicemail", "recordings")


@dataclass(frozen=True)
class FileEntry:
    """One file in the archive: its member name, size and sha256."""

    path: str  # "<part>/<relative path>"
    size: int
    sha256: str

    @property
    def part(self) -> str:
        """Return the part the file belongs to (database, prompts, ...)."""
        return self.path.split("/", 1)[0]


@dataclass
class Manifest:
    """What an archive holds and where it comes from."""

    callbox_version: str
    created: float  # UNIX time
    host: str
    parts: list[str]
    database_version: int  # the store's migration version
    files: list[FileEntry] = field(default_factory=list)
    format_version: int = FULL_FORMAT
    # Incremental (format 2): the archive holding the older recordings, and the moment
    # from which this one carries recordings; "" and 0 for a full archive.
    base: str = ""
    recordings_since: float = 0.0

    def to_json(self) -> str:
        """Return the manifest as the archive stores it."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def entry(self, path: str) -> FileEntry | None:
        """Return the entry of a member, or None if the manifest does not list it."""
        return next((f for f in self.files if f.path == path), None)


def safe_member(name: str) -> bool:
    """Return true if a member name stays inside the folder it is unpacked into."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def parse(text: str) -> Manifest:
    """Return the manifest in text, or raise ArchiveRefused saying what is wrong."""
    try:
        data: dict[str, Any] = json.loads(text)
        version = int(data["format_version"])
    except (ValueError, KeyError, TypeError):
        raise ArchiveRefused("the archive's manifest is not readable") from None
    if version > FORMAT_VERSION:
        raise ArchiveRefused(
            f"the archive is format {version}; this callbox reads up to {FORMAT_VERSION}: "
            "upgrade callbox first",
            "archive-too-new",
        )
    try:
        files = [FileEntry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in data["files"]]
        manifest = Manifest(
            str(data["callbox_version"]), float(data["created"]), str(data["host"]),
            [str(p) for p in data["parts"]], int(data["database_version"]), files, version,
            str(data.get("base") or ""), float(data.get("recordings_since") or 0.0),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise ArchiveRefused("the archive's manifest is incomplete") from None
    if manifest.base and not _ARCHIVE_NAME.match(manifest.base):
        raise ArchiveRefused(f"the archive names an unsafe base: {manifest.base!r}", "unsafe-path")
    unsafe = [f.path for f in files if not safe_member(f.path) or f.part not in PARTS]
    if unsafe:
        raise ArchiveRefused(
            f"the archive names unsafe paths: {', '.join(unsafe[:3])}", "unsafe-path"
        )
    return manifest
