"""A profile's backup section as the box's backup target and schedule, both named "profile".

The section lands where an admin's own backup settings do (`BackupTarget`,
`BackupSchedule`: appliance/backup/, run by the scheduler's backup job), so the box
backs itself up from its first boot; an admin sees and may change them on Admin →
Backups.  A profile holds no secret: an SFTP server is reached with a key file on
the box (`key_file`) and checked against its `host_key`.  The schedule is daily at
02:00 unless the profile says otherwise.
"""

from __future__ import annotations

import time
from typing import Any

from appliance.store.models import BackupSchedule, BackupTarget
from provisioning.profiles.sections import Fields, Section

NAME = "profile"
# The profile's key → the target's option (appliance/backup/targets/), per kind.
OPTIONS = {
    "local": {"path": "folder"},
    "usb": {"label": "label", "path": "folder"},
    "sftp": {"host": "host", "port": "port", "user": "username", "path": "folder",
             "host_key": "host_key", "key_file": "key_file"},
}  # fmt: skip
SCHEDULE_DEFAULTS = {"frequency": "daily", "at": "02:00", "weekday": 0, "day_of_month": 1,
                     "keep": 7, "recordings": False}  # fmt: skip


class Backup(Section):
    """The box's backup target and schedule from the profile's `backup`."""

    label, section, key = "backup", "backup", NAME

    def wanted(self, data: dict[str, Any]) -> dict[str, Fields]:
        """Return the one target-and-schedule, if the profile has a backup section."""
        backup = data.get("backup")
        if not backup:
            return {}
        kind = backup["target"]
        options = {option: backup[name] for name, option in OPTIONS[kind].items()
                   if name in backup}  # fmt: skip
        schedule = {name: backup.get(name, default) for name, default in
                    SCHEDULE_DEFAULTS.items()}  # fmt: skip
        return {NAME: {"kind": kind, "options": options, **schedule}}

    def current(self, key: str) -> Fields | None:
        """Return the target's kind and options with its schedule's timing."""
        target = BackupTarget.get_or_none(BackupTarget.name == key)
        schedule = BackupSchedule.get_or_none(BackupSchedule.name == key)
        if target is None or schedule is None:
            return None
        timing = {name: getattr(schedule, name) for name in SCHEDULE_DEFAULTS}
        return {"kind": target.kind, "options": dict(target.options or {}), **timing}

    def write(self, key: str, fields: Fields, exists: bool) -> None:
        """Create or update the target, then its schedule (fields: all, or the changed ones)."""
        fields = {**(self.current(key) or {}), **fields}
        target, _ = BackupTarget.get_or_create(
            name=key, defaults={"kind": fields["kind"], "created_at": time.time()}
        )
        target.kind, target.options = fields["kind"], fields["options"]
        target.save()
        timing = {name: fields[name] for name in SCHEDULE_DEFAULTS}
        schedule = BackupSchedule.get_or_none(BackupSchedule.name == key)
        if schedule is None:
            BackupSchedule.create(name=key, target=target, created_at=time.time(), **timing)
        else:
            BackupSchedule.update(target=target, **timing).where(
                BackupSchedule.id == schedule.id
            ).execute()

    def remove(self, key: str) -> None:
        """Delete the schedule and its target (undoing their creation)."""
        BackupSchedule.delete().where(BackupSchedule.name == key).execute()
        BackupTarget.delete().where(BackupTarget.name == key).execute()
