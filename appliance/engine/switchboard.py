"""The B2BUA: answer callers, walk their IVR flow, queue them, ring agents, bridge, record.

Runs on the engine thread only.  Decisions come from the call-flow domain
(`FlowRun`, `Acd`); this module carries them out with pjsua2 objects and writes
every step as a call event (committed by the writer before it is published).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from appliance.callflow.acd import Acd
from appliance.callflow.blacklist import matching_entry
from appliance.callflow.cdr import derive_cdr
from appliance.callflow.features import FeatureCodes, park_slot
from appliance.callflow.features import parse as parse_feature
from appliance.config import Settings
from appliance.engine import call_waiting, dial_out, extension_calls
from appliance.engine.board_lines import LineDesk
from appliance.engine.busy_callbacks import BusyCallbackDesk
from appliance.engine.campaign_calls import ROLE as CAMPAIGN_ROLE
from appliance.engine.campaign_calls import CampaignCalls
from appliance.engine.click_dial import CLICK_ROLES, ClickToDial
from appliance.engine.dial_out import DialOut
from appliance.engine.directory import Directory, Route
from appliance.engine.extension_calls import ExtensionDesk
from appliance.engine.feature_desk import FeatureDesk
from appliance.engine.gateway_lines import GatewayLines
from appliance.engine.intercom import Intercom
from appliance.engine.ivr_desk import IvrDesk
from appliance.engine.leg_prompts import LegPrompts
from appliance.engine.legs import IncomingAccount, Leg, uri_user
from appliance.engine.media import MusicOnHold, Prompts
from appliance.engine.mixer import Mixer
from appliance.engine.operations import CallOps
from appliance.engine.outbound import OUTBOUND_ROLES
from appliance.engine.parking import ParkDesk
from appliance.engine.pickup import PickupDesk
from appliance.engine.queue_store import TrunkPeer
from appliance.engine.queueing import QueueDesk
from appliance.engine.reactor import Reactor
from appliance.engine.recording_ops import RecordingOps
from appliance.engine.recording_space import RecordingSpace
from appliance.engine.routing import RuleChecker
from appliance.engine.session import CallSession, new_call_id
from appliance.engine.trunk_accounts import TrunkAccounts
from appliance.engine.trunk_reachability import Reachability
from appliance.store.writer import EventWriter

if TYPE_CHECKING:
    from appliance.engine.trunk_qualify import TrunkQualifier

log = logging.getLogger(__name__)
OPERATOR_CODE = "0"  # what a phone dials for the operator / reception (pbx.operator)
BRIDGED_ON_MEDIA = (
    *OUTBOUND_ROLES,
    *CLICK_ROLES,
    dial_out.ROLE,
    extension_calls.ROLE,
)  # legs the engine dialled


def source_host(source: str) -> str:
    """Return the host of an "address:port" a request came from ([v6] brackets taken off)."""
    return source.rsplit(":", 1)[0].strip("[]")


class Switchboard:
    """Every live call of the engine and what happens to it."""

    def __init__(self, settings: Settings, reactor: Reactor, writer: EventWriter) -> None:
        self.settings = settings
        self.codes = FeatureCodes.of(settings.features)  # what phones dial (docs/pbx.md)
        self.reactor = reactor
        self.writer = writer
        self.prompts = Prompts(settings.paths.prompts)
        self.music = MusicOnHold(self.prompts)
        self.acd = Acd()
        self.directory = Directory()
        self.sessions: dict[str, CallSession] = {}
        self.legs: dict[str, Leg] = {}  # keeps every Call referenced (DESIGN §5)
        self.edge_account: IncomingAccount | None = None
        self.trunk_account: IncomingAccount | None = None
        self._trunk_media = (-1, 0, 0)  # transport, RTP base, RTP range of the trunk account
        self._leg_seq = 0
        self.desk = QueueDesk(self)
        self.ivr = IvrDesk(self)
        self.ops = CallOps(self)
        self.mixer = Mixer(self)
        self.features = FeatureDesk(self)
        self.rule_checker = RuleChecker(self)
        self.clicks = ClickToDial(self)
        self.dial_out = DialOut(self)
        self.extensions = ExtensionDesk(self)
        self.recordings = RecordingOps(self)
        self.space = RecordingSpace(settings.engine, settings.paths.recordings)
        self.parking = ParkDesk(self)
        self.pickup = PickupDesk(self)
        self.busy_callbacks = BusyCallbackDesk(self)
        self.intercom = Intercom(self)
        self.leg_prompts = LegPrompts(self)
        self.trunk_accounts = TrunkAccounts(self)  # registering trunks' own accounts
        self.qualifier: TrunkQualifier | None = None  # IP peers' OPTIONS (set by the manager)
        self.lines = LineDesk(self)  # board lines (started by the manager)
        self.gateway_lines = GatewayLines(self)  # gateways' FXO lines (sipgw), over SIP
        self.campaigns = CampaignCalls(self)  # the calls campaigns place (campaign_calls.py)

    # --- set-up -------------------------------------------------------------------------

    def open_accounts(self) -> None:
        """Create the edge and trunk accounts, each locked to its transport.

        Each account gets its own half of the RTP range: pjsua keeps one port cursor
        per account and gives up after 100 busy ports in a row, so two accounts
        sharing a range collide once a hundred calls hold ports (seen in bench/).
        """
        e = self.settings.engine
        half = e.rtp_port_range // 2 // 2 * 2  # even: RTP and RTCP ports come in pairs
        self.trunk_account = self._account(
            "trunk", self.reactor.trunk_transport, e.trunk_listen, e.trunk_port, e.rtp_port, half
        )
        self.edge_account = self._account(
            "edge", self.reactor.edge_transport, e.listen, e.port, e.rtp_port + half, half
        )
        self.reactor.ep.edge_account_index = self.edge_account.getId()
        self.reactor.ep.trunk_account_index = self.trunk_account.getId()

    def _account(
        self, kind: str, transport: int, host: str, port: int, rtp_port: int, rtp_range: int
    ) -> IncomingAccount:
        """Return a local account on one transport with its RTP port range."""
        cfg = pj.AccountConfig()
        cfg.idUri = f"sip:callbox@{host}:{port}"
        self._media(cfg, transport, rtp_port, rtp_range)
        if kind == "trunk":
            self._trunk_media = (transport, rtp_port, rtp_range)
        account = IncomingAccount(self, kind)
        account.create(cfg, kind == "edge")
        return account

    def _media(self, cfg: pj.AccountConfig, transport: int, rtp_port: int, rtp_range: int) -> None:
        """Lock an account config to a SIP transport and an RTP port range."""
        cfg.sipConfig.transportId = transport
        media = cfg.mediaConfig.transportConfig
        media.port, media.portRange = rtp_port, rtp_range
        media.boundAddress = self.settings.engine.listen
        media.publicAddress = self.settings.engine.public_address

    def trunk_media(self, cfg: pj.AccountConfig) -> None:
        """Give a registering trunk's account the trunk transport and the trunk's RTP range.

        It shares the local trunk account's range: collisions only cost a retry on
        the next port, and they need a hundred calls holding ports on both.
        """
        self._media(cfg, *self._trunk_media)

    def configure(self, directory: Directory) -> None:
        """Apply a new configuration snapshot (live: calls in progress keep theirs)."""
        self.acd.configure(directory.queues, directory.agents, directory.callers)
        self.directory = directory  # only once nothing refused it
        self.trunk_accounts.sync(directory.trunks)
        self.desk.configure(directory)
        self.desk.dispatch()
        self.rule_checker.start()

    # --- events ---------------------------------------------------------------------------

    def emit(
        self, session: CallSession, kind: str, data: dict[str, Any] | None = None, leg: str = ""
    ) -> None:
        """Record a step of a call."""
        session.events.append(self.writer.event(session.call_id, kind, data, leg))

    def agent_changed(self, extension: str, keep: bool = False) -> None:
        """Announce an agent's state and reason; keep it in the store if the box chose it."""
        agent = self.acd.agents.get(extension)
        if agent is None:  # removed by a reload while its phone rang
            return
        if keep:
            self.writer.agent_state(extension, agent.state, agent.reason)
        self.emit_agent(extension, "agent.state", {"state": agent.state, "reason": agent.reason})

    def emit_agent(self, extension: str, kind: str, data: dict[str, Any]) -> None:
        """Record an agent event (call_id is empty; the extension is the leg)."""
        self.writer.event("", kind, {"agent": extension, **data}, leg=extension)

    # --- incoming calls -------------------------------------------------------------------

    def incoming(
        self, account: IncomingAccount, pj_call_id: int, source: str, gateway_line: str = ""
    ) -> None:
        """Take a new INVITE: check who sent it, find its route, answer it.

        gateway_line: the gateway FXO account Kamailio says the call came from (sipgw).
        """
        leg = self.new_leg(account, pj_call_id, "caller")
        if account.kind == "trunk":
            leg.trunk = account.trunk or self.trunk_of(source)
        info = leg.info()
        if gateway_line and self.gateway_lines.take(leg, gateway_line, uri_user(info.remoteUri)):
            return
        dialled = self._operator(account, self._speed_dial(account, uri_user(info.localUri)))
        feature = self._feature_code(account, dialled)
        if feature:
            self.features.dialled(leg, uri_user(info.remoteUri), feature)
            return
        self.take_call(leg, account.kind, uri_user(info.remoteUri), dialled, source)

    def from_phone(self, leg: Leg, extension: str, dialled: str, source: str) -> None:
        """A phone off SIP (an analog phone on an FXS port) dialled: as `incoming` from
        the edge (speed dial, operator, feature codes, extensions, calls out)."""
        account = self.edge_account
        assert account is not None
        dialled = self._operator(account, self._speed_dial(account, dialled))
        feature = self._feature_code(account, dialled)
        if feature:
            self.features.dialled(leg, extension, feature)
            return
        self.take_call(leg, "edge", extension, dialled, source)

    def take_call(self, leg: Leg, via: str, from_number: str, to_number: str, source: str) -> None:
        """Start a call in on leg: via "edge" (a phone), "trunk" or "line" (a board port)."""
        session = CallSession(new_call_id(), leg, from_number, to_number, started_at=time.time())
        out = via == "edge" and self.dial_out.is_call_out(session.to_number)
        internal = via == "edge" and self._to_extension(session.to_number)
        edge = "outbound" if out else "internal"
        leg.call_id = session.call_id
        self.sessions[session.call_id] = session
        self.emit(
            session,
            "call.started",
            {
                "from": session.from_number,
                "to": session.to_number,
                "direction": edge if via == "edge" else "inbound",
                "via": via,
                "source": source,
            },
            leg.leg_id,
        )
        if out:
            self.dial_out.start(session)
            return
        if internal:
            self.extensions.start(session)
            return
        if via in ("trunk", "line") and self._blocked(session):
            return
        refusal = self._refusal(via, source, session)
        if refusal:
            code, reason = refusal
            log.warning(
                "call %s from %s to %s refused (%d): %s",
                session.call_id,
                session.from_number,
                session.to_number,
                code,
                reason,
            )
            self.end_call(session, "system", reason, code)
            return
        session.route = self._inbound_route(session)
        if session.route is not None and session.route.rule is not None:
            rule = session.route.rule
            data = {"line": rule.line, "target_type": rule.target_type, "target": rule.target}
            self.emit(session, "call.routed_by_rule", data)
        if session.route is not None and session.route.target_type == "group":
            self.extensions.start(session, session.route.target)  # answered when a member does
            return
        self.engage(session.from_number if via == "edge" else "", session.call_id)
        leg.answer(200)

    def _inbound_route(self, session: CallSession) -> Route | None:
        """Return where this call in goes: its number's first matching rule, or its target."""
        return self.directory.route_for(session.to_number, session.from_number, session.started_at)

    def _speed_dial(self, account: IncomingAccount, dialled: str) -> str:
        """Return the number a phone's speed-dial code stands for (else dialled as it is:
        an unknown code then goes to the feature desk, which refuses it)."""
        feature = parse_feature(dialled, self.codes) if account.kind == "edge" else None
        if feature is None or feature.action != "speed_dial":
            return dialled
        return self.directory.speed_dials.get(feature.argument, dialled)

    def _operator(self, account: IncomingAccount, dialled: str) -> str:
        """Return the operator's extension (or group) for a phone that dialled 0, when set."""
        operator = self.settings.pbx.operator
        if account.kind == "edge" and dialled == OPERATOR_CODE and operator:
            return operator
        return dialled

    def _feature_code(self, account: IncomingAccount, dialled: str) -> str:
        """Return the feature code a phone dialled ("" if none): a park slot's number
        alone (701) is its retrieve code (*701) unless an extension or number has it."""
        if account.kind != "edge":
            return ""
        if dialled.startswith("*"):
            return dialled
        taken = self.directory.route(dialled) is not None or self.extensions.is_extension(dialled)
        return "*" + park_slot(dialled) if park_slot(dialled) and not taken else ""

    def _to_extension(self, number: str) -> bool:
        """Return true if a phone dialled an extension (an inbound number goes first)."""
        return self.directory.route(number) is None and self.extensions.is_extension(number)

    def _blocked(self, session: CallSession) -> bool:
        """Refuse a call in from a blacklisted number (403); return true if it was."""
        caller = session.from_number or "anonymous"  # a withheld caller ID (a line's)
        entry = matching_entry(caller, self.directory.blocked)
        if entry is None:
            return False
        self.emit(session, "call.blocked", {"from": session.from_number, "entry": entry})
        log.warning("call %s from %s blocked by %r", session.call_id, session.from_number, entry)
        self.end_call(session, "system", f"caller on the blacklist ({entry})", 403)
        return True

    def trunk_of(self, source: str) -> str:
        """Return the name of the trunk whose host a call came from ("" if none)."""
        host = source_host(source)
        peers = self.directory.trunks.values()
        return next((peer.name for peer in peers if peer.host == host), "")

    def trunk_reachability(self, name: str) -> Reachability | None:
        """Return an IP-peer trunk's reachability from OPTIONS (None: not probed)."""
        return self.qualifier.reachability(name) if self.qualifier is not None else None

    def trunk_usage(self) -> dict[str, dict[str, int]]:
        """Return the calls in and out on each trunk now (live legs)."""
        usage = {name: {"in": 0, "out": 0} for name in self.directory.trunks}
        for leg in self.legs.values():
            if leg.trunk and not leg.ended:
                way = "in" if leg.role == "caller" else "out"
                usage.setdefault(leg.trunk, {"in": 0, "out": 0})[way] += 1
        return usage

    def _refusal(self, via: str, source: str, session: CallSession) -> tuple[int, str] | None:
        """Return (SIP code, reason) if the call must be refused, else None."""
        host = source_host(source)
        if via == "trunk" and host not in self.directory.trunk_peers:
            return 403, f"source {host} is not a trunk peer"
        peer = self.directory.trunks.get(session.caller.trunk)
        in_use = sum(self.trunk_usage()[peer.name].values()) if peer else 0
        if peer and peer.max_channels and in_use > peer.max_channels:  # this call counts
            return 503, f"trunk {peer.name} carries its {peer.max_channels} calls already"
        route = self._inbound_route(session)
        if route is None and via == "line" and not session.to_number:
            return 404, f"line {source} has no inbound number: set numbers: in its board's config"
        if route is None:
            return 404, f"unknown number {session.to_number!r}: add it under inbound numbers"
        if route.target_type == "ivr" and route.flow is None:
            return 480, f"number {session.to_number} points at IVR {route.target!r}, not active"
        return None

    def dial(
        self,
        session: CallSession,
        name: str,
        role: str,
        ring_s: float,
        external: bool = False,
        peer: TrunkPeer | None = None,
        headers: dict[str, str] | None = None,
    ) -> Leg:
        """Call a phone through the SIP edge, or a number on a trunk, for a call.

        An external number goes to peer (default: the first enabled trunk).  The party
        is given up after ring_s seconds unanswered.  A leg that could not be dialled
        (no trunk, the library refused) comes back already ended.
        """
        peer = peer or self.directory.outbound
        gateway = self.gateway_lines.line_for(peer) if external else None  # sipgw: over SIP
        if gateway is None and external and peer is not None and peer.kind == "line":
            return self.lines.dial_leg(session, peer, name, role, ring_s)  # a board line
        if not external and name in self.lines.phones:  # an analog phone on an FXS port
            return self.lines.ring_phone(session, name, role, ring_s)
        account = self.edge_account
        if external and gateway is None:  # a registering trunk's calls out: its own account
            account = self.trunk_accounts.account_for(peer) or self.trunk_account
        assert account is not None
        leg = self.new_leg(account, pj.PJSUA_INVALID_ID, role)
        leg.call_id = session.call_id
        if external:
            leg.number, uri = name, peer.uri(name) if peer is not None else ""
            leg.trunk = peer.name if peer is not None else ""
        else:
            leg.extension = name
            uri = f"sip:{name}@{self.settings.sip.listen}:{self.settings.sip.port}"
        try:
            if gateway is not None:
                uri, dial = self.gateway_lines.dial_target(gateway, name)
                headers = {**(headers or {}), **dial}
            if not uri:
                log.error("call %s: no enabled trunk to call %s on", session.call_id, name)
                leg.ended, leg.call = True, None
            else:
                leg.dial(uri, headers)
        except pj.Error as exc:  # Leg.dial has marked the leg ended
            log.error("call %s: cannot call %s: %s", session.call_id, name, exc.info())
        except ValueError as exc:  # a number a gateway line cannot dial
            log.error("call %s: %s", session.call_id, exc)
            leg.ended, leg.call = True, None
        if leg.ended:
            self.legs.pop(leg.leg_id, None)
        else:
            session.timers.append(self.reactor.call_later(ring_s, leg.give_up))
        return leg

    def engage(self, extension: str, call_id: str) -> None:
        """Keep an agent's phone out of queue service while it is in a call of its own.

        An agent who dials out or monitors a call is not free, whatever their state.
        """
        agent = self.acd.agents.get(extension)
        if agent is not None:
            agent.engaged = call_id

    def disengage(self, call_id: str) -> None:
        """Put the phones a finished call engaged back into queue service."""
        for extension, agent in self.acd.agents.items():
            if agent.engaged == call_id:
                self.release_phone(extension, call_id)

    def release_phone(self, extension: str, call_id: str) -> None:
        """Put a phone out of call_id back into queue service, unless it is still in
        another call (call waiting): then that call engages it."""
        agent = self.acd.agents.get(extension)
        if agent is None or agent.engaged != call_id:
            return
        still = [c for c in call_waiting.calls_of(self, extension) if c != call_id]
        agent.engaged = still[0] if still else ""
        if not agent.engaged:
            self.reactor.call_later(0.05, self.desk.dispatch)

    def new_leg(self, account: pj.Account, pj_call_id: int, role: str) -> Leg:
        """Return a new leg, kept referenced until it ends."""
        return self.add_leg(Leg(self, account, pj_call_id, role))

    def add_leg(self, leg: Leg) -> Leg:
        """Give a leg its id and keep it referenced until it ends (a SIP or a line leg)."""
        self._leg_seq += 1
        leg.leg_id = f"{leg.role[0]}{self._leg_seq}"
        self.legs[leg.leg_id] = leg
        return leg

    # --- leg callbacks --------------------------------------------------------------------

    def leg_media_ready(self, leg: Leg) -> None:
        """Start the caller's flow once audio flows; bridge an agent once it does."""
        if leg.role == "feature":
            self.features.media_ready(leg)
            return
        session = self.sessions.get(leg.call_id)
        if session is None:
            return
        if leg.role == "caller" and session.state == "new":
            self.ivr.start_route(session)
        elif leg.role == CAMPAIGN_ROLE and leg is session.caller:
            self.campaigns.media_ready(session, leg)
        elif leg is session.agent_leg or leg.role in BRIDGED_ON_MEDIA or self._out_answered(leg):
            self.desk.bridge(session)
        elif session.role_of(leg):
            self.mixer.remix(session)

    def _out_answered(self, leg: Leg) -> bool:
        """Return true if leg is a phone whose call out was just answered (it waited unanswered)."""
        session = self.sessions.get(leg.call_id)
        return session is not None and leg is session.caller and session.state == "talking"

    def leg_confirmed(self, leg: Leg) -> None:
        """Note an answer; an agent answering is connected to the caller."""
        leg.answered_at = time.time()
        session = self.sessions.get(leg.call_id)
        if session is None:
            return
        if leg.role in CLICK_ROLES:
            self.clicks.confirmed(session, leg)
        elif leg.role == "agent":
            self.desk.agent_answered(session, leg)
        elif leg.role == CAMPAIGN_ROLE:
            self.campaigns.answered(session, leg)
        elif session.role_of(leg) in ("consult", "third", "supervisor"):
            self.ops.leg_answered(session, leg)
        elif leg.role in OUTBOUND_ROLES:
            self.desk.trunk.confirmed(session, leg)
        elif leg.role == dial_out.ROLE:
            self.dial_out.confirmed(session, leg)
        elif leg.role == extension_calls.ROLE:
            self.extensions.confirmed(session, leg)
        if session.call_id in self.campaigns.calls:  # an agent (or a preview's contact) answered
            self.campaigns.agent_answered(session)

    def leg_transfer(self, leg: Leg, prm: pj.OnCallTransferRequestParam) -> None:
        """Take a phone's transfer request (REFER): parking is the one transfer taken."""
        self.parking.transfer(leg, prm)

    def leg_digit(self, leg: Leg, digit: str) -> None:
        """Feed a caller's DTMF digit to their flow (or to the feature a phone dialled)."""
        if leg.role == "feature":
            self.features.digit(leg, digit)
            return
        session = self.sessions.get(leg.call_id)
        if session is None or leg.role not in ("caller", CAMPAIGN_ROLE):
            return
        self.emit(
            session,
            "dtmf",
            {"digit": digit, "node": session.run.node_id if session.run else None},
            leg.leg_id,
        )
        if session.state == "ivr" and session.run is not None:
            self.ivr.digit(session, digit)
        elif session.state in ("queued", "ringing"):
            self.desk.exits.digit(session, digit)
        elif session.state == "voicemail":
            self.desk.voicemail.digit(session, digit)

    def leg_disconnected(self, leg: Leg, code: int, reason: str) -> None:
        """Handle the end of a leg: a caller leaving ends the call; an agent frees them."""
        self.legs.pop(leg.leg_id, None)
        if leg.role == "feature":
            self.features.ended(leg)
            return
        session = self.sessions.get(leg.call_id)
        if session is None:
            return
        part = session.role_of(leg)
        if leg.role in CLICK_ROLES:  # click-to-dial: the agent's own phone and who they called
            self.clicks.ended(session, leg, code, reason)
        elif leg.role == CAMPAIGN_ROLE:  # the contact a campaign called
            self.campaigns.ended(session, leg, code, reason)
        elif leg.role in OUTBOUND_ROLES:  # an outside number a queue sent to, a callback's customer
            self.desk.trunk.ended(session, leg, code, reason)
        elif leg.role == dial_out.ROLE:  # a call out: a trunk tried, or the far end
            self.dial_out.ended(session, leg, code, reason)
        elif leg.role == extension_calls.ROLE:  # an extension rung by a colleague's call
            self.extensions.ended(session, leg, code, reason)
        elif part == "caller":
            by = session.ended_by or "caller"
            self.end_call(session, by, session.end_reason or "caller hung up")
        elif part in ("consult", "third", "supervisor"):
            self.ops.leg_ended(session, leg, part, code, reason)
        elif part == "agent" or (leg.role == "agent" and leg not in session.released):
            self.desk.agent_leg_ended(session, leg, code, reason)
        self._maybe_finish(session)

    # --- ending ---------------------------------------------------------------------------

    def end_call(self, session: CallSession, by: str, reason: str, code: int = 200) -> None:
        """End the call: hang up every leg that is still up."""
        if session.state == "ending":
            return
        session.read_rtp()
        session.state, session.ended_by, session.end_reason = "ending", by, reason
        session.cancel_timers()
        self.parking.forget(session.call_id)
        self.ivr.stop_prompt(session)
        self.desk.leave_queue(session, reason)
        self.desk.unbridge(session)
        for leg in session.legs():
            leg.end(code if leg is session.caller else 200)
        self._maybe_finish(session)

    def _maybe_finish(self, session: CallSession) -> None:
        """Write the call's end and CDR once no leg is left."""
        if session.finished or any(not leg.ended for leg in session.legs()):
            return
        if session.state != "ending":
            self.end_call(session, session.ended_by or "caller", session.end_reason or "ended")
            return
        session.finished = True
        self.emit(
            session,
            "call.ended",
            {"by": session.ended_by, "reason": session.end_reason, "rtp": session.rtp()},
        )
        self.writer.cdr(derive_cdr(session.call_id, session.events))
        self.disengage(session.call_id)
        self.campaigns.finished(session)
        for leg in (session.caller, *session.released, session.agent_leg):
            if leg is not None:
                self.writer.leg(self._leg_row(session, leg))
        del self.sessions[session.call_id]

    def _leg_row(self, session: CallSession, leg: Leg) -> dict[str, Any]:
        """Return the store row of a finished leg."""
        return {
            "call_id": session.call_id,
            "leg_id": f"{session.call_id}-{leg.leg_id}",
            "role": leg.role,
            "remote": leg.extension or leg.number or session.from_number,
            "started_at": session.started_at,
            "answered_at": leg.answered_at,
            "ended_at": time.time(),
            "end_reason": session.end_reason,
        }

    def recording_path(self, session: CallSession, part: int = 1) -> tuple[Path, str]:
        """Return the absolute and relative path of a call's recording (or of a later part)."""
        day = time.strftime("%Y/%m/%d", time.gmtime(session.started_at))
        suffix = "" if part <= 1 else f"-{part}"  # parts after a full disk (docs/recovery.md)
        relative = f"{day}/{session.call_id}{suffix}.wav"
        return Path(self.settings.paths.recordings) / relative, relative

    def start_recording(self, session: CallSession) -> None:
        """Record the bridged call (both directions mixed) if its policy or queue asks for it."""
        wanted = session.record
        if wanted is None:
            wanted = bool(session.queue and session.queue.record)
        if not (self.settings.engine.record_calls and wanted):
            return
        self.recordings.begin(session, "recording.started")

    def release_calls(self) -> None:
        """Drop every pjsua2 call object now (before the library is destroyed)."""
        for session in self.sessions.values():
            for leg in session.legs():
                leg.call = None
        for leg in self.legs.values():
            leg.call = None
        self.features.close()  # confirmations, voicemail listening, prompt takes
        self.leg_prompts.close()
        self.sessions.clear()
        self.legs.clear()

    def hang_up_all(self) -> int:
        """End every call (engine stopping); return how many legs were up."""
        legs = len(self.legs)
        for session in list(self.sessions.values()):
            self.end_call(session, "system", "engine stopping", 503)
        return legs
