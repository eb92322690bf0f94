"""Callback on busy in the engine: watch for free phones, then ring caller and callee.

A phone dials `*6<ext>` (`feature_desk.py`); the request waits in the list
(`callflow.busy_callback`) and is checked every second while any waits.  When both
phones are free (registered, in no call, not ringing, not in DND) the box rings the
caller's phone first, then the callee's once the caller answers, and bridges them:
a click-to-dial call (`click_dial.py`, `via` `callback-on-busy`) with the caller's
name shown on the callee's phone.  Requests live in the engine's memory: an engine
restart forgets them.  Runs on the engine thread.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from appliance.callflow.acd import BUSY
from appliance.callflow.busy_callback import BusyCallback, BusyCallbacks
from appliance.callflow.const import AgentState
from appliance.engine.control import CommandError

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
CHECK_SECONDS = 1.0
VIA = "callback-on-busy"


class BusyCallbackDesk:
    """The callbacks on busy of one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.requests = BusyCallbacks()
        self._watching = False

    def ask(self, caller: str, callee: str) -> str:
        """Note a phone's request; return its confirmation prompt ("" for no such extension)."""
        if callee not in self.board.acd.agents or callee == caller:
            return ""
        seconds = self.board.settings.pbx.busy_callback_minutes * 60
        request = self.requests.ask(caller, callee, time.time(), seconds)
        data = {"callee": callee, "until": request.until}
        self.board.emit_agent(caller, "busy_callback.asked", data)
        self._watch()
        return "busy-callback-on"

    def waiting(self) -> list[dict[str, object]]:
        """Return the requests waiting (caller, callee, until) for the control API."""
        return [dataclasses.asdict(request) for request in self.requests.pending()]

    def _watch(self) -> None:
        """Check again in a second, unless a check is already due."""
        if not self._watching:
            self._watching = True
            self.board.reactor.call_later(CHECK_SECONDS, self._check)

    def _check(self) -> None:
        """Drop expired requests and connect those whose phones are both free."""
        self._watching = False
        for over in self.requests.expired(time.time()):
            self.board.emit_agent(over.caller, "busy_callback.expired", {"callee": over.callee})
        while (request := self.requests.ready(self._free)) is not None:
            self._connect(request)
        if self.requests.pending():
            self._watch()

    def _connect(self, request: BusyCallback) -> None:
        """Ring the caller's phone for a call to the callee (click-to-dial's way)."""
        data: dict[str, object] = {"callee": request.callee}
        try:
            started = self.board.clicks.start(request.caller, request.callee, VIA)
            data["call_id"] = started["call_id"]
        except CommandError as exc:
            log.warning("callback on busy %s → %s: %s", request.caller, request.callee, exc)
            data["failed"] = str(exc)
        self.board.emit_agent(request.caller, "busy_callback.ringing", data)

    def _free(self, extension: str) -> bool:
        """Return true if an extension's phone can be rung now."""
        agent = self.board.acd.agents.get(extension)
        return (
            agent is not None
            and agent.registered
            and not agent.engaged
            and agent.state not in BUSY
            and agent.state != AgentState.DND
        )
