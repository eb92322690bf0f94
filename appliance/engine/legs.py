"""SIP legs: pjsua2 `Call` and `Account` subclasses that hand their callbacks to the switchboard.

Every callback body is wrapped: an exception escaping into pjsua2 keeps its frame
(and the Call) alive and the process aborts at exit (DESIGN §5).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pjsua2 as pj

from appliance.engine.gateway_lines import LINE_HEADER, header_value

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_URI_USER = re.compile(r"sips?:([^@;>]+)@")


def guarded(method: F) -> F:
    """Log and swallow any exception from a pjsua2 callback."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception:
            log.exception("callback %s failed", method.__qualname__)
            return None

    return wrapper  # type: ignore[return-value]


def uri_user(uri: str) -> str:
    """Return the user part of a SIP URI or name-addr ('' if none)."""
    match = _URI_USER.search(uri)
    return match.group(1) if match else ""


class SipCall(pj.Call):
    """The pjsua2 call behind a leg; it lives exactly as long as its SIP dialog.

    pjsua2 2.12 never clears a Call's id when the dialog ends, and ~Call clears the
    user data of, and hangs up, whatever call holds that id when the object is
    finally destroyed.  pjsua reuses ids, so a Call object outliving its dialog can
    kill a stranger's call.  The Leg therefore drops this object inside its own
    DISCONNECTED callback, the one moment pjsua2 allows deleting it.
    """

    def __init__(self, leg: Leg, account: pj.Account, call_id: int) -> None:
        super().__init__(account, call_id)
        self.leg = leg

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        """Report confirmed and disconnected states."""
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
            self.leg.board.leg_confirmed(self.leg)
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.leg.disconnected(info.lastStatusCode, info.lastReason)

    @guarded
    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        """Note the leg's audio port once its media is active."""
        info = self.getInfo()  # keep it alive: .media points into it (SWIG)
        for media in info.media:
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.leg.media_active(self.getAudioMedia(media.index))
                return

    @guarded
    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        """Pass a received DTMF digit on."""
        self.leg.board.leg_digit(self.leg, prm.digit)

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        """Hand a phone's REFER (its transfer key) to the switchboard; refuse it if that fails.

        Refused first: pjsua2 given a 2xx without a new Call object for the transfer
        re-points *this* object at the new call, which would orphan the leg.
        """
        prm.statusCode = 603
        try:
            self.leg.board.leg_transfer(self.leg, prm)
        except Exception:
            log.exception("transfer request on %s failed", self.leg.leg_id)
            prm.statusCode, prm.newCall = 603, None

    @guarded
    def onStreamDestroyed(self, prm: pj.OnStreamDestroyedParam) -> None:
        """Read the final RTP counters: the far end hung up and the stream is going away."""
        self.leg.read_rtp()


class Leg:
    """One SIP dialog of a call, caller or agent side, as the switchboard sees it."""

    def __init__(
        self, board: Switchboard, account: pj.Account | None, call_id: int, role: str
    ) -> None:
        """A leg of a SIP dialog on account (None: a leg with no dialog, e.g. a board line)."""
        self.board = board
        self.role = role
        self.call: SipCall | None = SipCall(self, account, call_id) if account else None
        self.leg_id = ""
        self.call_id = ""  # the callbox call this leg belongs to
        self.audio: pj.AudioMedia | None = None
        self.answered_at: float | None = None
        self.ended = False
        self.extension = ""  # agent legs: the agent rung
        self.number = ""  # external legs: the number called on the trunk
        self.trunk = ""  # the trunk the leg runs on (calls in from it, calls out on it)
        self.stopped = ""  # why the engine stopped this leg ringing ("" if it did not)
        self.rtp: dict[str, int] = {}  # last RTP counters read from the stream

    def info(self) -> pj.CallInfo:
        """Return the dialog's pjsua2 call info."""
        assert self.call is not None
        return self.call.getInfo()

    def answer(self, code: int = 200) -> None:
        """Answer an incoming dialog with code."""
        assert self.call is not None
        prm = pj.CallOpParam()
        prm.statusCode = code
        self.call.answer(prm)

    def dial(self, uri: str, headers: dict[str, str] | None = None) -> None:
        """Place an outgoing audio-only call to uri (raises pj.Error, then the leg is over)."""
        assert self.call is not None
        prm = pj.CallOpParam(True)
        prm.opt.audioCount, prm.opt.videoCount = 1, 0
        for name, value in (headers or {}).items():
            header = pj.SipHeader()
            header.hName, header.hValue = name, value
            prm.txOption.headers.append(header)
        try:
            self.call.makeCall(uri, prm)
        except pj.Error:
            self.ended, self.call = True, None  # no dialog was made: nothing to wait for
            raise

    def give_up(self) -> None:
        """Stop ringing a party that has not answered (487); ignore one answered or gone."""
        if self.answered_at is None and not self.ended:
            self.end(487)

    def media_active(self, audio: pj.AudioMedia) -> None:
        """Keep the audio port; tell the switchboard the first time."""
        first = self.audio is None
        self.audio = audio
        if first:
            self.board.leg_media_ready(self)

    def disconnected(self, code: int, reason: str) -> None:
        """End the leg: tell the switchboard, then let go of the pjsua2 call (see SipCall)."""
        if not self.ended:
            self.ended = True
            self.audio = None  # its conference port is already gone
            self.board.leg_disconnected(self, code, reason)
        self.call = None

    def read_rtp(self) -> dict[str, int]:
        """Read and remember RTP packets received, sent and lost on the audio stream."""
        if self.call is None or (self.audio is None and self.rtp):
            return self.rtp
        try:
            stat = self.call.getStreamStat(0).rtcp
        except pj.Error:
            return self.rtp
        self.rtp = {"rx": stat.rxStat.pkt, "tx": stat.txStat.pkt, "lost": stat.rxStat.loss}
        return self.rtp

    def end(self, code: int = 200, reason: str = "") -> None:
        """Hang up (or reject with code before answer); ignore a leg already gone."""
        if self.ended or self.call is None:
            return
        prm = pj.CallOpParam()
        prm.statusCode = code
        if reason:
            prm.reason = reason
        try:
            self.call.hangup(prm)
        except pj.Error as exc:
            log.debug("hangup of %s: %s", self.leg_id, exc.info())


class IncomingAccount(pj.Account):
    """A local account that passes incoming calls to the switchboard."""

    def __init__(self, board: Switchboard, kind: str) -> None:
        super().__init__()
        self.board = board
        self.kind = kind  # "edge" (phones via Kamailio) or "trunk" (carriers)
        self.trunk = ""  # a registering trunk's account: its trunk (calls in are that trunk's)

    @guarded
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        """Hand a new INVITE to the switchboard (with the gateway line Kamailio named)."""
        line = header_value(prm.rdata.wholeMsg, LINE_HEADER) if self.kind == "edge" else ""
        self.board.incoming(self, prm.callId, prm.rdata.srcAddress, line)


class Endpoint(pj.Endpoint):
    """The pjsua2 endpoint, choosing the account of a request by who sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.edge_address = ""
        self.edge_account_index = -1
        self.trunk_account_index = -1
        self.trunk_lines: dict[str, int] = {}  # registering trunks: Contact `line` -> account

    @guarded
    def onSelectAccount(self, prm: pj.OnSelectAccountParam) -> None:
        """Route requests from Kamailio to the edge account and all others to a trunk one.

        Both accounts are UDP on the same host, so pjsua's own scoring cannot tell
        them apart; the account decides which transport the dialog's later
        requests (BYE) leave from.  A request to a registering trunk's Contact
        (its `line` parameter in the Request-URI) goes to that trunk's account.
        """
        if prm.rdata.srcAddress == self.edge_address:
            prm.accountIndex = self.edge_account_index
            return
        line = request_uri_param(prm.rdata.wholeMsg, "line")
        prm.accountIndex = self.trunk_lines.get(line, self.trunk_account_index)


def request_uri_param(message: str, name: str) -> str:
    """Return a URI parameter of a SIP request's Request-URI ('' if it has none)."""
    first = message.split("\r\n", 1)[0].split("\n", 1)[0]
    parts = first.split(" ")
    if len(parts) < 3:
        return ""
    for param in parts[1].split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == name:
            return value.split("?", 1)[0].strip()
    return ""
