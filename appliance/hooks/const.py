"""The lifecycle events and the variables every hook is given."""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    """A moment in the box's life that runs the hooks of `<event>.d/`."""

    FIRST_BOOT = "first-boot"
    BOARD_ADDED = "board-added"
    PRE_UPGRADE = "pre-upgrade"
    POST_UPGRADE = "post-upgrade"
    FACTORY_RESET = "factory-reset"
    PRE_BACKUP = "pre-backup"
    POST_RESTORE = "post-restore"

    @property
    def aborts(self) -> bool:
        """Return true if a failing hook stops the operation (the `pre-*` events)."""
        return self.value.startswith("pre-")


ENV_PREFIX = "CALLBOX_HOOK_"
KILL_GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL of a timed-out hook's process group
