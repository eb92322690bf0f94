"""Why a backup, verify or restore did not happen, worded for the person who asked."""

from __future__ import annotations


class BackupError(Exception):
    """A backup operation refused or failed; `error_id` names the case for the API."""

    error_id = "backup-failed"

    def __init__(self, message: str, error_id: str | None = None) -> None:
        super().__init__(message)
        if error_id:
            self.error_id = error_id


class ArchiveRefused(BackupError):
    """An archive that is damaged, tampered with, too new or unsafe to unpack."""

    error_id = "archive-refused"


class WrongPassphrase(BackupError):
    """An encrypted archive that the passphrase given does not open."""

    error_id = "wrong-passphrase"
