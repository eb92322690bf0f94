"""Feature codes dialled on agents' phones: state toggles, DND, forwarding, pickup, park.

A feature call is not a customer call: it writes agent events, not a CDR.  State
features answer, play a short confirmation and hang up, as does asking for a
callback on busy (`*6<ext>`, `busy_callbacks.py`); pickup (`*8`, `**<ext>`,
`pickup.py`) and retrieving a parked call (`*7xx`, `parking.py`) turn the dialling
phone's own call into the answer of that call; intercom (`*80<ext>`) becomes a call
to the extension (`extension_calls.py`); `*77<digits>` records a custom prompt
(`prompt_recording.py`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.const import AgentState
from appliance.callflow.features import Feature, next_state, parse
from appliance.engine.legs import Leg
from appliance.engine.media import Player, PromptMissing
from appliance.engine.parking import ENGINE_USER
from appliance.engine.prompt_recording import PromptRecorder
from appliance.engine.scheduled_calls import book_call, next_time
from appliance.engine.store_reads import StoreReads
from appliance.engine.voicemail_listen import ListeningDesk

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
CALL_FEATURES = ("pickup", "directed_pickup", "retrieve", "intercom", "park", "speed_dial")
STATE_PROMPTS = {
    AgentState.READY: "agent-ready",
    AgentState.NOT_READY: "agent-not-ready",
    AgentState.LOGGED_OUT: "agent-logged-out",
    AgentState.DND: "agent-dnd",
}


class FeatureDesk:
    """Phones dialling feature codes, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self._prompts: dict[str, str] = {}  # leg id -> confirmation to play once audio is up
        self._players: dict[str, Player] = {}  # leg id -> confirmation playing
        self.recording = PromptRecorder(board)
        self.listening = ListeningDesk(board)  # *97 / *98
        self.bookings = StoreReads(board.reactor, "feature-bookings")  # *35 writes a booking

    def dialled(self, leg: Leg, extension: str, code: str) -> None:
        """Carry out the feature a phone dialled, or refuse it."""
        feature = parse(code, self.board.codes)
        agent = self.board.acd.agents.get(extension)
        if extension == ENGINE_USER and feature is not None and feature.action == "park":
            self.board.parking.transfer_reached(leg)
        elif feature is None:
            leg.end(404, "Unknown feature code")
        elif agent is None:
            leg.end(403, "Feature codes are for agents")
        elif feature.action in CALL_FEATURES:
            self._call_feature(leg, extension, feature)
        elif feature.action == "record_prompt":
            self.recording.begin(leg, extension, feature.argument)
        elif feature.action in ("voicemail_own", "voicemail_any"):
            self.listening.start(leg, extension, own_box=feature.action == "voicemail_own")
        elif feature.action == "callback_busy":
            self._confirm(leg, self.board.busy_callbacks.ask(extension, feature.argument))
        elif feature.action == "book_call":
            self._book(leg, extension, feature.argument)
        else:
            self._confirm(leg, self._apply(extension, feature))

    def _book(self, leg: Leg, extension: str, argument: str) -> None:
        """Book a call out (撥出預約) for the next HH:MM, written off the engine thread."""
        at, number = argument.split(" ")
        due = next_time(at, self.board.settings.timezone, time.time())

        def booked(done: object) -> None:
            """Confirm, or refuse (404) when the extension has no user to book for."""
            if leg.ended:
                return
            if done:
                self._confirm(leg, "call-booked")
            else:
                leg.end(403, "No user works at this extension")

        self.bookings.run(lambda: book_call(extension, number, due), booked)

    def _confirm(self, leg: Leg, prompt: str) -> None:
        """Answer a feature call to play its confirmation (no prompt: refuse it, 404)."""
        if not prompt:
            leg.end(404, "No such extension")
            return
        leg.role = "feature"
        self._prompts[leg.leg_id] = prompt
        leg.answer(200)

    def _call_feature(self, leg: Leg, extension: str, feature: Feature) -> None:
        """Turn the phone's call into a pickup, a retrieval of a parked call, or an intercom."""
        if feature.action == "pickup":
            self.board.pickup.group(leg, extension)
        elif feature.action == "directed_pickup":
            self.board.pickup.directed(leg, extension, feature.argument)
        elif feature.action == "retrieve":
            self.board.parking.retrieve(leg, extension, feature.argument)
        elif feature.action == "intercom":
            self.board.intercom.call(leg, extension, feature.argument)
        elif feature.action == "speed_dial":  # a code the list does not have
            leg.end(404, "No such speed dial")
        else:  # park: only by a transfer during a call
            leg.end(404, "Nothing to park: transfer a call to park it")

    def _apply(self, extension: str, feature: Feature) -> str:
        """Change the agent as the feature says; return the confirmation prompt."""
        agent = self.board.acd.agents[extension]
        if feature.action in ("forward", "unforward"):
            setattr(agent, feature.column, feature.argument)  # forward_to, _busy, _no_answer
            self.board.writer.agent_forward(extension, feature.argument, feature.column)
            data = {feature.column: feature.argument}
            self.board.emit_agent(extension, "agent.forward", data)
            return "forward-on" if feature.argument else "forward-off"
        state = next_state(feature.action, agent.state)
        self.board.acd.set_state(extension, state, time.time())
        self.board.agent_changed(extension, keep=True)
        self.board.desk.dispatch()
        return STATE_PROMPTS[state]

    def media_ready(self, leg: Leg) -> None:
        """Play the confirmation, then hang up (or beep and record a prompt, or start a
        phone's voicemail listening)."""
        if leg.leg_id in self.recording.takes:
            self.recording.media_ready(leg)
            return
        if self.listening.has(leg):
            self.listening.media_ready(leg)
            return
        prompt = self._prompts.pop(leg.leg_id, "")
        if not prompt or leg.audio is None:
            return
        try:
            player = Player(self.board.prompts.path(prompt, self.board.settings.language))
        except (PromptMissing, pj.Error) as exc:
            log.error("feature confirmation: %s", exc)
            leg.end()
            return
        player.play_to(leg.audio)
        self._players[leg.leg_id] = player
        self.board.reactor.call_later(player.seconds + 0.3, leg.end)

    def ended(self, leg: Leg) -> None:
        """Forget a finished feature call."""
        self.listening.ended(leg)
        self._prompts.pop(leg.leg_id, None)
        self._players.pop(leg.leg_id, None)
        self.recording.ended(leg)

    def close(self) -> None:
        """Drop every player and recorder of feature calls (before the library is destroyed)."""
        self._players.clear()
        self.listening.close()
        self.recording.close()

    def digit(self, leg: Leg, digit: str) -> None:
        """Pass a key pressed in a feature call on: voicemail listening's menu, or `#`
        ending a prompt recording."""
        if self.listening.has(leg):
            self.listening.digit(leg, digit)
        else:
            self.recording.digit(leg, digit)
