"""Errors of the store, each with a message that says what to do."""

from __future__ import annotations


class StoreError(Exception):
    """Base of store errors."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer callbox than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database is at schema version {found} but this callbox knows only up to "
            f"{known}: it was written by a newer callbox; upgrade callbox or restore a backup "
            "made by this version (nothing was changed)"
        )
        self.found = found
        self.known = known


class MigrationFailed(StoreError):
    """A migration raised; its transaction was rolled back."""

    def __init__(self, version: int, name: str, cause: Exception) -> None:
        super().__init__(
            f"migration {version:04d} ({name}) failed and was rolled back: {cause}; "
            "the copy taken before migrating is in <backups>/pre-migrate/"
        )
        self.version = version


class DatabaseUnreadable(StoreError):
    """The database file is not a SQLite database or is damaged."""

    def __init__(self, path: str, cause: Exception) -> None:
        super().__init__(
            f"{path}: not a usable callbox database ({cause}); restore a backup with "
            "`callbox restore`, or move the file away to start empty (it was not changed)"
        )
