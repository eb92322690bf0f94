"""Ask the engine what it holds, for the checks that compare it with the store."""

from __future__ import annotations

from typing import Any

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError

NOT_CHECKED = "not checked: the engine does not answer"


def ask(settings: Settings, command: str) -> dict[str, Any] | None:
    """Return the engine's answer to a read-only command, or None if it does not answer."""
    try:
        answer = ControlClient(settings.engine.control_socket, timeout=1.0).call(command)
    except (ControlError, OSError, ValueError):
        return None  # the engine check reports the engine itself
    return answer if isinstance(answer, dict) else None
