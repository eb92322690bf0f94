"""The base of every backup target: put, list, get and delete archives at one place.

A target is used in a ``with`` block (connect, mount) and must:

- ``put(local, name)`` atomically: the archive goes under a dot-name first and is renamed
  to ``name`` only once complete, so a partial archive is never listed;
- ``names()`` list only finished archives (`retention.NAME`), with their sizes;
- ``get(name, local)`` copy an archive to a local file; ``delete(name)`` remove one;
- ``check()`` return a line saying it works (the web's "test connection"), or raise
  `TargetUnavailable` with a message the admin can act on.

Options are the kind's settings (`OPTIONS` names them); secrets come from the root-only
secrets file, never from the store.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from appliance.backup.exceptions import BackupError
from appliance.backup.retention import NAME
from appliance.config import Settings


class TargetUnavailable(BackupError):
    """A target that cannot be reached, mounted or written now."""

    error_id = "target-unavailable"


def is_archive_name(name: str) -> bool:
    """Return true if name is a finished archive's name (not a dot-name, not a path)."""
    return bool(NAME.match(name))


def check_name(name: str) -> str:
    """Return name if it is an archive's name; refuse anything else (paths, dot-names)."""
    if not is_archive_name(name):
        raise BackupError(f"{name!r} is not a callbox archive name", "bad-archive-name")
    return name


class Target:
    """A place archives are kept (subclasses: one per kind)."""

    kind: ClassVar[str] = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ()  # the option names the kind reads
    SECRETS: ClassVar[tuple[str, ...]] = ()  # the secret names it reads (the secrets file)

    def __init__(self, options: dict[str, Any], secrets: dict[str, str], settings: Settings):
        self.options, self.secrets, self.settings = options, secrets, settings

    def option(self, name: str) -> str:
        """Return a required option's text, or raise BackupError naming it."""
        value = str(self.options.get(name) or "").strip()
        if not value:
            raise BackupError(f"the {self.kind} target needs its {name!r} option", "bad-target")
        return value

    def __enter__(self) -> Target:
        """Connect (or mount) and return self."""
        self.open()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Disconnect (or unmount)."""
        self.close()

    def open(self) -> None:
        """Connect or mount (nothing by default)."""

    def close(self) -> None:
        """Disconnect or unmount (nothing by default)."""

    def put(self, local: Path, name: str) -> None:
        """Store the local archive as name, atomically."""
        raise NotImplementedError

    def names(self) -> dict[str, int]:
        """Return the finished archives here, name -> size in bytes."""
        raise NotImplementedError

    def get(self, name: str, local: Path) -> None:
        """Copy the archive name to the local file."""
        raise NotImplementedError

    def delete(self, name: str) -> None:
        """Remove the archive name (no error if it is already gone)."""
        raise NotImplementedError

    def check(self) -> str:
        """Return what was checked; raise TargetUnavailable when the target does not work."""
        return f"{len(self.names())} archive(s) at the {self.kind} target"
