"""The dialer's engine commands, and what the pages say when the engine cannot answer.

The engine may be stopped, or an engine without a dialer may not know the `campaign.*`
commands: both are answered with `EngineAbsent` (a notice for the page), never a 500.
Any other refusal is the engine's own, passed on as `ControlError`.
"""

from __future__ import annotations

from typing import Any

from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from web.context import current_settings
from web.i18n import _

TIMEOUT = 5.0


class EngineAbsent(Exception):
    """The engine is not running, or it does not know the command; str() says which."""


def call(cmd: str, **args: Any) -> Any:
    """Run one engine command; raise EngineAbsent, or ControlError for the engine's refusals."""
    try:
        return ControlClient(current_settings().engine.control_socket, TIMEOUT).call(cmd, **args)
    except EngineUnavailable:
        raise EngineAbsent(_("The engine is not reachable.")) from None
    except ControlError as exc:
        if exc.error_id == "unknown-command":
            raise EngineAbsent(_("The engine does not run campaigns: not available.")) from None
        raise


def status(campaign_id: int | None = None) -> tuple[list[dict[str, Any]], str]:
    """Return the engine's live figures per campaign and a notice ("" when it answered)."""
    args = {"campaign": campaign_id} if campaign_id is not None else {}
    try:
        reply = call("campaign.status", **args)
    except EngineAbsent as exc:
        return [], str(exc)
    except ControlError as exc:
        return [], str(exc)
    rows = reply.get("campaigns", []) if isinstance(reply, dict) else []
    return [r for r in rows if isinstance(r, dict)], ""
