"""Call park and retrieve: a phone's transfer to `*700` parks the party it talks with.

The parking phone's REFER (what its transfer key sends) is accepted; the party it
talked with waits in the lowest free slot (`callflow.parking`) and hears music on
hold; the parking phone hears the slot's digits and is hung up.  Any extension that
dials `*7xx` (or the slot number alone) takes the call: it is the same call, its
CDR goes on.  When the park time is over the parker's phone is rung back, and
unanswered, their no-answer forward (else the call ends).  Other transfers from
phones are refused (603): the call goes on as it was.

pjsua2 places a call to the REFER's target for every transfer it accepts (role
`transfer`); the SIP edge sends a call from the engine to a feature code back to
the engine, which answers it and hangs up: the phone's transfer then reports
success (NOTIFY 200).  Runs on the engine thread.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from appliance.callflow.features import parse
from appliance.callflow.parking import Parked, ParkLot
from appliance.engine import extension_calls
from appliance.engine.legs import Leg, uri_user
from appliance.engine.media import PromptMissing
from appliance.engine.session import CallSession

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
TRANSFER_ROLE = "transfer"  # the call pjsua places for an accepted REFER
PARKER_ROLE = "parker"  # the parking phone's leg, until the slot is said
PARKED_STATE = "parked"
ENGINE_USER = "callbox"  # the user of the engine's own calls (its accounts' URI)


class ParkDesk:
    """The park lot of one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.lot = ParkLot()

    def transfer(self, leg: Leg, prm: pj.OnCallTransferRequestParam) -> None:
        """Accept a phone's transfer to the park code (202), else leave it refused."""
        session = self.board.sessions.get(leg.call_id)
        feature = parse(uri_user(prm.dstUri), self.board.codes)
        if session is None or feature is None or feature.action != "park":
            log.info("transfer to %s refused: only parking (%s) is taken", prm.dstUri,
                     self.board.codes.park)  # fmt: skip
            return
        parker, parked = self._parties(session, leg)
        if parked is None:
            log.info("call %s: %s cannot park now", session.call_id, leg.leg_id)
            return
        seconds = self.board.settings.pbx.park_seconds
        spot = self.lot.park(session.call_id, parker, time.time(), seconds)
        if spot is None:
            prm.statusCode = 486  # every slot taken
            return
        child = self.board.new_leg(self.board.edge_account, pj.PJSUA_INVALID_ID, TRANSFER_ROLE)
        prm.statusCode, prm.newCall = 202, child.call
        self.board.reactor.call_later(0.0, lambda: self._park(session, leg, parked, spot))
        self.board.reactor.call_later(seconds + 0.05, self._expire)

    def transfer_reached(self, leg: Leg) -> None:
        """Answer the call pjsua placed for an accepted park, and end it: it carries nothing."""
        leg.role = "feature"
        leg.answer(200)
        self.board.reactor.call_later(0.5, leg.end)

    def _parties(self, session: CallSession, leg: Leg) -> tuple[str, Leg | None]:
        """Return the parking extension and the leg it parks (None: it cannot park now)."""
        busy = session.consult or session.third or session.supervisor
        if session.state != "talking" or session.agent_leg is None or busy:
            return "", None
        if leg is session.agent_leg:
            return leg.extension, session.caller
        if leg is session.caller and session.from_number in self.board.acd.agents:
            return session.from_number, session.agent_leg  # a phone's own call
        return "", None

    def _park(self, session: CallSession, parker: Leg, parked: Leg, spot: Parked) -> None:
        """Leave the parked party alone with music; tell the parker the slot and hang up."""
        slot, extension = spot.slot, spot.parker
        if session.state != "talking" or parked.ended:
            self.lot.take(slot)
            return
        if parked is not session.caller:  # the caller parked the party they called
            session.caller, parked.role = parked, "caller"
            session.from_number = parked.extension or parked.number  # who phones now see
        parker.role, session.agent_leg, session.agent = PARKER_ROLE, None, ""
        session.released.append(parker)
        session.held, session.state = False, PARKED_STATE
        self._let_go(session, extension)
        self.board.mixer.remix(session)  # the parker's audio links go
        self._music(session)
        data = {"slot": slot, "by": extension}
        self.board.emit(session, "call.parked", data, parker.leg_id)
        digits = [f"num-{d}" for d in slot]
        self.board.leg_prompts.say(parker, ["call-parked", *digits], parker.end)

    def _music(self, session: CallSession) -> None:
        """Play the music on hold (the call's queue's, else the default) to the parked party."""
        if session.caller.audio is None:
            return
        music_class = session.queue.music_class if session.queue else "default"
        try:
            session.music = self.board.music.start(music_class, session.caller.audio)
        except (PromptMissing, pj.Error) as exc:
            log.warning("call %s: no music on hold while parked: %s", session.call_id, exc)

    def _let_go(self, session: CallSession, extension: str) -> None:
        """Free the parking extension: a queue agent goes to wrap-up, a phone is unengaged."""
        agent = self.board.acd.agents.get(extension)
        if agent is None:
            return
        if agent.call_id == session.call_id:
            self.board.desk.agent_free(session, extension)
        self.board.release_phone(extension, session.call_id)

    def retrieve(self, leg: Leg, extension: str, slot: str) -> None:
        """Connect the phone that dialled a slot with the call parked there."""
        spot = self.lot.take(slot)
        session = self.board.sessions.get(spot.call_id) if spot else None
        if spot is None or session is None or session.state != PARKED_STATE:
            leg.end(404, "Nothing parked there")
            return
        leg.role, leg.call_id, leg.extension = extension_calls.ROLE, session.call_id, extension
        session.ringing[extension], session.state = leg, extension_calls.STATE
        self.board.engage(extension, session.call_id)
        self.board.emit(session, "call.retrieved", {"slot": slot, "by": extension}, leg.leg_id)
        leg.answer(200)  # confirmed → answered like a rung extension, then bridged

    def _expire(self) -> None:
        """Ring the parkers of calls whose park time is over."""
        for spot in self.lot.due(time.time()):
            session = self.board.sessions.get(spot.call_id)
            if session is None or session.state != PARKED_STATE:
                continue
            self.board.emit(session, "park.timeout", {"slot": spot.slot, "parker": spot.parker})
            ring_s = self.board.settings.pbx.park_ring_seconds
            self.board.extensions.ring_back(session, spot.parker, ring_s)

    def parked(self) -> list[dict[str, object]]:
        """Return the parked calls (slot, call id, parker, until) for the control API."""
        return [dataclasses.asdict(spot) for spot in self.lot.listing()]

    def forget(self, call_id: str) -> None:
        """Free the slot of a parked call that ended (the party hung up)."""
        slot = self.lot.slot_of(call_id)
        if slot:
            self.lot.take(slot)
