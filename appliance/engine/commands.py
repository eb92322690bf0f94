"""Control-socket commands of the engine (run on the control server's threads).

Commands that read or change live state are handed to the engine thread with
`Reactor.submit`; store reads and writes happen here, never on the engine thread.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from typing import TYPE_CHECKING, Any

from appliance.callflow.const import AgentState
from appliance.engine.broadcast_commands import BroadcastCommands
from appliance.engine.call_commands import CallCommands
from appliance.engine.callback import request_callback
from appliance.engine.campaign_commands import CampaignCommands
from appliance.engine.control import CommandError
from appliance.engine.directory import load_directory
from appliance.engine.flow_commands import FlowCommands
from appliance.engine.health_commands import HealthCommands
from appliance.engine.prompt_commands import PromptCommands
from appliance.engine.survey_commands import SurveyCommands
from appliance.engine.voicemail_commands import VoicemailCommands
from appliance.prompts.library import PromptLibrary
from appliance.sipedge import subscribers
from appliance.store.models import Agent, Queue, QueueMember, ReasonCode

if TYPE_CHECKING:
    from appliance.engine.manager import Engine

log = logging.getLogger(__name__)
REPLY_SECONDS = 5.0
RESCAN_SECONDS = 20.0  # opening a board probes its device (a GSM module: a few AT commands)
MAX_REASON = 64
SETTABLE_STATES = {AgentState.READY, AgentState.NOT_READY, AgentState.DND, AgentState.LOGGED_OUT}


class Commands:
    """Answer control commands for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.started = time.time()
        self.table = {
            "ping": self.ping,
            "calls": self.calls,
            "parked": self.parked,
            "agents": self.agents,
            "queues": self.queues,
            "trunks": self.trunks,
            "reload": self.reload,
            "agent.state": self.agent_state,
            "agent.queues": self.agent_queues,
            "agent.dial": self.agent_dial,
            "lines": self.lines,
            "line.dial": self.line_dial,
            "boards.rescan": self.boards_rescan,
            **CallCommands(engine).table,
            **FlowCommands(engine.board.prompts, self.reload).table,
            **PromptCommands(PromptLibrary(engine.settings.paths.prompts)).table,
            "queue.callback": self.queue_callback,
            **SurveyCommands().table,
            **VoicemailCommands(engine.writer, engine.board.prompts).table,
            **BroadcastCommands(self._publish).table,
            **HealthCommands(engine).table,
            **CampaignCommands(engine.dialer).table,
        }

    def dispatch(self, cmd: str, args: dict[str, Any]) -> Any:
        """Run one command."""
        handler = self.table.get(cmd)
        if handler is None:
            raise CommandError(
                "unknown-command",
                f"unknown command {cmd!r} (known: {', '.join(sorted(self.table))})",
            )
        try:
            return handler(**args)
        except TypeError as exc:  # missing or unknown arguments
            if exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
                raise CommandError("bad-args", f"{cmd}: {exc}") from None
            raise

    def _publish(self, event: dict[str, Any]) -> None:
        """Send an event to the control socket's subscribers (none before it is bound)."""
        if self.engine.control is not None:
            self.engine.control.publish(event)

    def _on_engine(self, fn: Any) -> Any:
        """Run fn on the engine thread and return its result."""
        return self.engine.reactor.submit(fn).result(REPLY_SECONDS)

    def ping(self) -> dict[str, Any]:
        """Answer that the engine thread is alive."""
        calls = self._on_engine(lambda: len(self.engine.board.sessions))
        return {"pid": os.getpid(), "uptime": round(time.time() - self.started, 3), "calls": calls}

    def calls(self) -> dict[str, Any]:
        """List live calls."""
        board = self.engine.board
        return {"calls": self._on_engine(lambda: [s.summary() for s in board.sessions.values()])}

    def parked(self) -> dict[str, Any]:
        """List the parked calls (slot, call id, parker, when the parker is rung back) and
        the callbacks on busy waiting."""
        board = self.engine.board
        return self._on_engine(
            lambda: {
                "parked": board.parking.parked(),
                "busy_callbacks": board.busy_callbacks.waiting(),
            }
        )

    def agents(self) -> dict[str, Any]:
        """List agents with registration and state."""
        return {"agents": self._on_engine(self.engine.agent_snapshot)}

    def queues(self) -> dict[str, Any]:
        """List queues with their waiting callers."""
        acd = self.engine.board.acd

        def snapshot() -> list[dict[str, Any]]:
            return [
                {
                    "name": q,
                    "waiting": [w.call_id for w in acd.waiting if w.queue == q],
                    "members": sorted(acd.queues[q].members),
                }
                for q in acd.queues
            ]

        return {"queues": self._on_engine(snapshot)}

    def trunks(self) -> dict[str, Any]:
        """Return each enabled trunk with the calls in and out on it now and its registration.

        `registration` is None for an IP peer, else {state: registered | failing |
        unregistered, code, reason, expires, changed_at} as the carrier last answered;
        `reachability` is None until an IP peer was probed, else {state: unknown |
        reachable | unreachable, code, rtt_ms, changed_at} from OPTIONS.
        """
        board = self.engine.board

        def snapshot() -> list[dict[str, Any]]:
            usage = board.trunk_usage()
            registration = board.trunk_accounts.registration
            return [
                {"name": p.name, "kind": p.kind, "host": p.host, "port": p.port,
                 "max_channels": p.max_channels, **usage.get(p.name, {"in": 0, "out": 0}),
                 "registration": reg.as_dict() if (reg := registration(p.name)) else None,
                 "reachability": r.as_dict() if (r := board.trunk_reachability(p.name)) else None}
                for p in board.directory.trunks.values()
            ]  # fmt: skip

        return {"trunks": self._on_engine(snapshot)}

    def reload(self) -> dict[str, Any]:
        """Re-read configuration from the store and apply it live, phones' credentials too."""
        try:
            directory = load_directory()  # e.g. a malformed business-hours schedule
            self._on_engine(lambda: self.engine.board.configure(directory))
        except KeyError as exc:  # e.g. a queue names a strategy that does not exist
            raise CommandError("bad-config", f"not applied: {exc.args[0]}") from None
        synced = subscribers.sync_from_store(self.engine.settings)  # Kamailio reads it per request
        return {
            "subscribers": dataclasses.asdict(synced),
            "numbers": len(directory.routes),
            "queues": len(directory.queues),
            "agents": len(directory.agents),
        }

    def queue_callback(self, call_id: str = "", number: str = "") -> dict[str, Any]:
        """Turn a queued caller into a callback that keeps their place (number: theirs if empty)."""
        return dict(self._on_engine(lambda: request_callback(self.engine.board, call_id, number)))

    def agent_dial(self, extension: str = "", number: str = "") -> dict[str, Any]:
        """Click-to-dial: ring the agent's phone, then call number and bridge them."""
        return dict(self._on_engine(lambda: self.engine.board.clicks.start(extension, number)))

    def lines(self) -> dict[str, Any]:
        """List the board lines: state, inbound number, call."""
        return {"lines": self._on_engine(self.engine.board.lines.status)}

    def line_dial(self, port: str = "", number: str = "") -> dict[str, Any]:
        """Call a number out on a board line (docs/boards.md); return the call id."""
        if not isinstance(number, str) or not number or len(number) > 32:
            raise CommandError("bad-number", "number must be the digits to dial")

        def dial() -> str:
            """Dial on the engine thread; a busy or unknown line is refused."""
            try:
                return self.engine.board.lines.dial(str(port), number)
            except ValueError as error:
                raise CommandError("bad-line", str(error)) from None

        return {"call_id": self._on_engine(dial)}

    def boards_rescan(self, action: str = "", devname: str = "", id_vendor: str = "") -> Any:
        """A device was plugged in or out (udev, `callbox boards hotplug`): close the boards
        whose device went, start the configured ones not running; say what changed."""
        log.info(
            "boards.rescan: %s %s (vendor %s)", action or "?", devname or "?", id_vendor or "-"
        )
        try:
            future = self._on_engine(self.engine.board.lines.rescan)
        except ValueError as error:
            raise CommandError("no-boards", str(error)) from None
        try:
            changed = future.result(RESCAN_SECONDS)
        except TimeoutError:
            raise CommandError("busy", f"the rescan took over {RESCAN_SECONDS:g} s") from None
        return {
            "added": [b.name for b in changed.added],
            "removed": [b.name for b in changed.removed],
            "boards": changed.statuses,
        }

    def agent_state(self, extension: str = "", state: str = "", reason: str = "") -> dict[str, Any]:
        """Set an agent ready, not ready (with a reason code) or logged out; kept in the store."""
        try:
            wanted = AgentState(state)
        except ValueError:
            wanted = None
        if wanted not in SETTABLE_STATES:
            raise CommandError("bad-state", f"state must be one of {sorted(SETTABLE_STATES)}")
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            raise CommandError(
                "bad-reason", f"reason must be text of at most {MAX_REASON} characters"
            )
        reason = "" if wanted == AgentState.READY else reason.strip()
        if wanted == AgentState.NOT_READY and reason:
            _check_reason(reason)
        updated = Agent.update(state=wanted, state_reason=reason).where(
            Agent.extension == extension
        )
        if updated.execute() == 0:
            raise CommandError("no-such-agent", f"no agent with extension {extension!r}")
        self._on_engine(lambda: self.engine.set_agent_state(extension, wanted, reason))
        return {"extension": extension, "state": wanted, "reason": reason}

    def agent_queues(self, extension: str = "", logged_in: Any = None) -> dict[str, Any]:
        """Log an agent in to the queues named in logged_in and out of their other queues.

        Without logged_in, only list them.  Kept in the store (`queue_member.logged_in`)
        and applied live: a queue the agent left no longer rings them.
        """
        agent = Agent.get_or_none(Agent.extension == extension)
        if agent is None:
            raise CommandError("no-such-agent", f"no agent with extension {extension!r}")
        rows = QueueMember.select(QueueMember, Queue).join(Queue).where(QueueMember.agent == agent)
        member_of = {m.queue.name: m for m in rows}
        if logged_in is not None:
            if not isinstance(logged_in, list) or not all(isinstance(q, str) for q in logged_in):
                raise CommandError("bad-args", "logged_in must be a list of queue names")
            unknown = sorted(set(logged_in) - set(member_of))
            if unknown:
                raise CommandError(
                    "not-a-member", f"agent {extension} is not in queue(s) {', '.join(unknown)}"
                )
            for name, member in member_of.items():
                QueueMember.update(logged_in=name in logged_in).where(
                    QueueMember.id == member.id
                ).execute()
            self.reload()
            data = {"queues": sorted(logged_in)}
            self._on_engine(lambda: self.engine.board.emit_agent(extension, "agent.queues", data))
        rows = QueueMember.select(QueueMember, Queue).join(Queue).where(QueueMember.agent == agent)
        return {"extension": extension, "queues": {m.queue.name: bool(m.logged_in) for m in rows}}


def _check_reason(reason: str) -> None:
    """Raise CommandError unless reason is an enabled reason code (any, if none are set)."""
    codes = [r.code for r in ReasonCode.select().where(ReasonCode.enabled == True)]  # noqa: E712
    if codes and reason not in codes:
        raise CommandError("bad-reason", f"reason must be one of: {', '.join(sorted(codes))}")
