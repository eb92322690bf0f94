"""Check that the engine answers `ping` on its control socket."""

from __future__ import annotations

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError
from appliance.health.result import CheckResult

NAME = "engine"
ON_FAILURE = "restart"


def check(settings: Settings) -> CheckResult:
    """Return healthy if the engine answers ping within a second."""
    try:
        ControlClient(settings.engine.control_socket, timeout=1.0).call("ping")
    except (ControlError, OSError, ValueError) as exc:
        return CheckResult.failed(str(exc))
    return CheckResult.passed("answers ping")
