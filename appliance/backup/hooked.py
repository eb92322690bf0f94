"""Backup and restore with their lifecycle hooks: what every caller (CLI, jobs, web) uses.

`pre-backup` hooks run before an archive is written and a failing one stops it
(`HookFailed`); `post-restore` hooks run after a restore and are returned for the
caller to report — the restore itself has happened.
"""

from __future__ import annotations

from pathlib import Path

from appliance.backup import archive, restore
from appliance.backup.archive import Sources
from appliance.backup.restore import Progress, Restored
from appliance.config import Settings
from appliance.hooks import runner
from appliance.hooks.runner import HookResult


def create(settings: Settings, source: Sources, target: Path, passphrase: str = "") -> Path:
    """Run the pre-backup hooks, then write the archive into target and return its path."""
    runner.run_event(settings, "pre-backup", {"BACKUP_DIR": str(target.absolute())})
    return archive.create(source, target, passphrase)


def restore_archive(
    settings: Settings,
    path: Path,
    passphrase: str = "",
    config_file: Path | None = None,
    progress: Progress | None = None,
) -> tuple[Restored, list[HookResult]]:
    """Restore an archive, then run the post-restore hooks; return both outcomes."""
    result = restore.restore(settings, path, passphrase, config_file, progress)
    hooks = runner.run_event(settings, "post-restore", {"ARCHIVE": str(path.absolute())})
    return result, hooks
