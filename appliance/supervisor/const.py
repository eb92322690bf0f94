"""Names shared by the supervisor, the watchdog and tests."""

from __future__ import annotations

from enum import StrEnum

SUPERVISOR_STATE = "supervisor.json"  # under paths.run: the children's pids
SERVICE_ORDER = ("kamailio", "engine", "web", "scheduler", "watchdog")  # start order
READY_SERVICES = ("kamailio", "engine", "web")  # checked before the banner


class ServiceState(StrEnum):
    """Where a supervised service is in its life."""

    RUNNING = "running"
    BACKOFF = "backoff"  # exited; waiting restart_delay_seconds before starting again
    GAVE_UP = "gave_up"  # over its restart budget; left stopped
    STOPPED = "stopped"
