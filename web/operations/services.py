"""Send an operation to the engine and turn its refusal into an HTTP error.

The engine checks everything (the call, the target, the agent) before it changes
anything; this layer only carries the request and maps the engine's error ids to
statuses, keeping the engine's message for the user.
"""

from __future__ import annotations

from typing import Any

from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from web.context import current_settings
from web.exceptions import BadRequest, WebError
from web.i18n import _

STATUS = {
    "no-such-call": 404,
    "no-such-agent": 404,
    "bad-args": 400,
    "bad-target": 400,
    "bad-mode": 400,
    "bad-state": 400,
    "bad-reason": 400,
    "no-prompt": 400,
    "engine-unavailable": 503,
    "no-trunk": 503,
}
CONFLICT = 409  # the call or agent is not in a state that allows it (busy, not talking...)
# operation in the URL → (engine command, body fields it takes)
CALL_OPERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hangup": ("call.hangup", ()),
    "hold": ("call.hold", ()),
    "resume": ("call.resume", ()),
    "recording/start": ("call.record.start", ()),
    "recording/pause": ("call.record.pause", ()),
    "recording/resume": ("call.record.resume", ()),
    "recording/stop": ("call.record.stop", ()),
    "transfer": ("call.transfer", ("target", "attended")),
    "transfer/complete": ("call.transfer.complete", ()),
    "transfer/cancel": ("call.transfer.cancel", ()),
    "conference": ("call.conference", ("target",)),
    "monitor": ("call.monitor", ("supervisor", "mode")),
    "takeover": ("call.takeover", ("supervisor",)),
    "notes": ("call.note", ("text",)),
    "intro": ("call.intro", ("prompt",)),
    "intro/cancel": ("call.intro_cancel", ()),
}


def call_operation(call_id: str, operation: str, body: Any) -> Any:
    """Run a named operation on a live call with the fields of a JSON body."""
    if operation not in CALL_OPERATIONS:
        known = ", ".join(CALL_OPERATIONS)
        raise BadRequest(
            _("Unknown operation %(name)s (known: %(known)s).", name=operation, known=known)
        )
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    cmd, fields = CALL_OPERATIONS[operation]
    return run(cmd, call_id=call_id, **{k: body[k] for k in fields if k in body})


def run(cmd: str, **args: Any) -> Any:
    """Run one engine command; raise WebError with the engine's id and message if refused."""
    client = ControlClient(current_settings().engine.control_socket, timeout=8)
    try:
        return client.call(cmd, **args)
    except EngineUnavailable as exc:
        raise WebError(str(exc), 503, "engine-unavailable") from None
    except ControlError as exc:
        raise WebError(str(exc), STATUS.get(exc.error_id, CONFLICT), exc.error_id) from None
