"""What the agent console does: the agent's state, click-to-dial, call controls, wrap-up.

Live changes go to the engine over its control socket (`web.operations.services.run`,
which turns the engine's refusals into HTTP errors); records are kept in the store.
Queue login: an agent takes calls from the queues they are logged in to (engine
command `agent.queues`, kept in `queue_member.logged_in`); ready / not ready / logged
out is their state across all of them.
"""

from __future__ import annotations

from typing import Any

from appliance.engine.control import ControlError, EngineUnavailable
from appliance.store.models import (
    Agent,
    CallDisposition,
    CallEvent,
    Cdr,
    DispositionCode,
    QueueMember,
    ReasonCode,
    Trunk,
    User,
)
from web.admin.services import engine_call
from web.context import current_settings
from web.exceptions import BadRequest, Forbidden
from web.i18n import _
from web.live import services as live
from web.operations import services as operations
from web.operations.services import CALL_OPERATIONS

CONSOLE_STATES = ("ready", "not_ready", "logged_out")
HISTORY_LIMIT = 50
SUPERVISING = ("supervisor", "admin")


def extension_of(user: User) -> str:
    """Return the agent extension the user works at, or raise BadRequest."""
    extension = str(user.extension or "")
    if not extension or Agent.get_or_none(Agent.extension == extension) is None:
        raise BadRequest(_("Your user is not linked to an agent extension. Ask an admin."))
    return extension


def console(user: User) -> dict[str, Any]:
    """Return what the console page shows besides the live parts."""
    agent = Agent.get_or_none(Agent.extension == user.extension) if user.extension else None
    queues: list[tuple[str, bool]] = []  # (queue, logged in)
    if agent is not None:
        members = QueueMember.select().where(QueueMember.agent == agent)
        queues = sorted((m.queue.name, bool(m.logged_in)) for m in members)
    return {
        "agent": agent,
        "queues": queues,
        "reasons": list(ReasonCode.select().where(ReasonCode.enabled == True)),  # noqa: E712
        "dispositions": disposition_codes(),
    }


def disposition_codes() -> list[DispositionCode]:
    """Return the enabled disposition codes."""
    return list(DispositionCode.select().where(DispositionCode.enabled == True))  # noqa: E712


def set_state(user: User, state: str, reason: str) -> Any:
    """Make the user's agent ready, not ready (with a reason code) or logged out."""
    if state not in CONSOLE_STATES:
        raise BadRequest(_("Choose ready, not ready or log out."))
    extension = extension_of(user)
    return operations.run("agent.state", extension=extension, state=state, reason=reason)


def set_queues(user: User, logged_in: list[str]) -> Any:
    """Log the user's agent in to the queues named and out of their other queues."""
    return operations.run("agent.queues", extension=extension_of(user), logged_in=logged_in)


def dial(user: User, number: str) -> Any:
    """Ring the user's phone, then call number (click-to-dial)."""
    if not number.strip():
        raise BadRequest(_("Enter a number to call."))
    return operations.run("agent.dial", extension=extension_of(user), number=number.strip())


def call_operation(user: User, call_id: str, operation: str, body: Any) -> Any:
    """Run a call control; an agent may only control their own calls."""
    if operation not in CALL_OPERATIONS:
        raise BadRequest(_("Unknown operation %(name)s.", name=operation))
    if user.role not in SUPERVISING:
        extension = extension_of(user)
        board = live.fetch_board(current_settings().engine.control_socket)
        calls = board["calls"] if board else []
        mine = any(c.get("call_id") == call_id and c.get("agent") == extension for c in calls)
        if board is not None and not mine:
            raise Forbidden(_("This is not your call."))
    return operations.call_operation(call_id, operation, body)


TAKEN_BY = ("agent.answered", "outbound.answered", "dial.ringing")  # events naming the agent


def is_my_call(user: User, call_id: str) -> bool:
    """Return true if the user's agent took, dialled or clicked the call (supervisors: any)."""
    if user.role in ("supervisor", "admin"):
        return True
    extension = user.extension or user.username
    mine = (Cdr.agent == extension) | (Cdr.from_number == extension)
    if Cdr.select().where((Cdr.call_id == call_id) & mine).exists():
        return True
    events = CallEvent.select(CallEvent.data).where(
        (CallEvent.call_id == call_id) & CallEvent.kind.in_(TAKEN_BY)
    )
    return any((event.data or {}).get("agent") == extension for event in events)


def save_wrap_up(user: User, values: dict[str, str]) -> CallDisposition:
    """Keep an agent's disposition and note for a call."""
    extension = user.extension or user.username
    return CallDisposition.create(
        call_id=values["call_id"], agent=extension, code=values["code"], note=values["note"]
    )


def my_calls(user: User, limit: int = HISTORY_LIMIT) -> list[Cdr]:
    """Return the calls the user's agent answered or dialled, newest first."""
    if not user.extension:
        return []
    mine = (Cdr.agent == user.extension) | (Cdr.from_number == user.extension)
    return list(Cdr.select().where(mine).order_by(Cdr.started_at.desc()).limit(limit))


def dispositions_of(call_ids: list[str]) -> dict[str, CallDisposition]:
    """Return the latest disposition of each call."""
    rows = CallDisposition.select().where(CallDisposition.call_id.in_(call_ids))
    return {row.call_id: row for row in rows.order_by(CallDisposition.id)}


def status_panel() -> dict[str, Any]:
    """Return the trunks with the calls on each (外線狀態) and the extensions (內線狀態)."""
    board = live.fetch_board(current_settings().engine.control_socket)
    return {
        "trunks": list(Trunk.select().order_by(Trunk.name)),
        "usage": trunk_usage() if board else None,
        "extensions": board["agents"] if board else None,
    }


def trunk_usage() -> dict[str, dict[str, Any]] | None:
    """Return the calls in and out on each enabled trunk now and its registration.

    None without the engine; `registration` is None for an IP peer.
    """
    try:
        reply = engine_call("trunks")
    except (EngineUnavailable, ControlError):
        return None
    return {
        t["name"]: {"in": t["in"], "out": t["out"], "registration": t.get("registration")}
        for t in reply["trunks"]
    }
