"""A test agent phone: a pjsua2 user agent in its own process.

It registers through the SIP edge with digest auth, answers incoming calls after
``--answer-ms``, sends a tone (``--tone`` WAV) so RTP flows from the agent, and
prints one JSON object per line on stdout for the test to read:

    {"event": "registered", "code": 200}
    {"event": "incoming", "from": "...", "identity": "<P-Asserted-Identity, if any>"}
    {"event": "confirmed"}
    {"event": "disconnected", "code": 200, "rx": 312, "tx": 330, "max_rx_level": 9000}

With ``--talk-ms`` the phone hangs up that long after a call is answered.
``max_rx_level`` is the loudest audio level heard from the box (0 = silence): proof
that the caller's voice reached the agent through the bridge.  With ``--record DIR``
the audio each call receives is written to ``DIR/call-<n>.wav`` (n from 1), for tests
that measure which tones reached whom.  With ``--call NUMBER`` the phone dials that
number through the edge once registered (a caller, a feature code such as ``*8``);
``--call 1002,*61002`` dials the next number half a second after the previous call
ended.  With ``--xfer MS:NUMBER`` the phone transfers its first answered call (a blind
transfer: REFER) to NUMBER MS milliseconds after answer, as a phone's transfer key
does (``transfer`` events report the NOTIFYs).  ``incoming`` also carries the
``call_info`` and ``alert_info`` headers (intercom's auto-answer request).
With ``--dtmf MS:DIGITS`` (repeatable) the phone keys DIGITS (RFC 4733) MS
milliseconds after a call is answered, e.g. a PIN and # into a voicemail menu.
The process ends on SIGTERM or after ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from typing import Any

import pjsua2 as pj


def say(event: str, **data: Any) -> None:
    """Print one event line."""
    print(json.dumps({"event": event, **data}), flush=True)


class AgentCall(pj.Call):
    """One call to the agent."""

    def __init__(self, phone: Phone, call_id: int) -> None:
        super().__init__(phone.account, call_id)
        self.phone = phone
        self.audio: pj.AudioMedia | None = None
        self.max_rx_level = 0
        self.stats = {"rx": 0, "tx": 0}
        self.recorder: pj.AudioMediaRecorder | None = None
        self.confirmed_at: float | None = None
        self.keys: list[tuple[float, str]] = []  # (monotonic time, digits) still to send
        self.transfer_at: float | None = None  # monotonic time of --xfer's REFER

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        """Report state changes."""
        try:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_CONFIRMED:
                self.confirmed_at = time.monotonic()
                self.keys = [(self.confirmed_at + ms / 1000.0, digits)
                             for ms, digits in self.phone.args.dtmf]  # fmt: skip
                if self.phone.args.xfer and not self.phone.transferred:
                    self.phone.transferred = True
                    self.transfer_at = self.confirmed_at + self.phone.args.xfer[0] / 1000.0
                say("confirmed", at=time.time())
            elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                self.recorder = None  # closes the WAV
                say("disconnected", code=info.lastStatusCode, max_rx_level=self.max_rx_level,
                    **self.stats)  # fmt: skip
                self.phone.finished(self)
        except Exception as exc:  # never let an exception into pjsua2
            say("error", message=repr(exc))

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        """Send the tone once audio is up."""
        try:
            info = self.getInfo()
            for media in info.media:
                if (
                    media.type == pj.PJMEDIA_TYPE_AUDIO
                    and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE
                ):
                    first = self.audio is None
                    self.audio = self.getAudioMedia(media.index)
                    if self.phone.player is not None:
                        self.phone.player.startTransmit(self.audio)
                    if first and self.phone.args.record:
                        self.record()
        except Exception as exc:
            say("error", message=repr(exc))

    def record(self) -> None:
        """Write the audio this call receives to the next call-<n>.wav."""
        assert self.audio is not None
        self.phone.recorded += 1
        path = f"{self.phone.args.record}/call-{self.phone.recorded}.wav"
        self.recorder = pj.AudioMediaRecorder()
        self.recorder.createRecorder(path)
        self.audio.startTransmit(self.recorder)
        say("recording", path=path, at=time.time())

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        """Report the transfer's progress (the NOTIFYs of the REFER)."""
        say("transfer", code=prm.statusCode, final=prm.finalNotify)

    def transfer(self, now: float) -> None:
        """Send the --xfer REFER once it is due."""
        if self.transfer_at is None or now < self.transfer_at:
            return
        self.transfer_at = None
        target = f"sip:{self.phone.args.xfer[1]}@{self.phone.args.registrar}"
        self.xfer(target, pj.CallOpParam(True))
        say("refer", to=target, at=time.time())

    def send_keys(self, now: float) -> None:
        """Key the digits that are due."""
        for due, digits in [k for k in self.keys if k[0] <= now]:
            self.keys.remove((due, digits))
            self.dialDtmf(digits)
            say("dtmf", digits=digits, at=time.time())

    def sample(self) -> None:
        """Remember the RTP counters and the loudest level heard."""
        if self.audio is None:
            return
        try:
            self.max_rx_level = max(self.max_rx_level, self.audio.getRxLevel())
            rtcp = self.getStreamStat(0).rtcp
            self.stats = {"rx": rtcp.rxStat.pkt, "tx": rtcp.txStat.pkt}
        except pj.Error:
            pass


class Phone(pj.Account):
    """The agent's registered account."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__()
        self.args = args
        self.account = self
        self.calls: dict[int, AgentCall] = {}
        self.pending: list[tuple[float, AgentCall]] = []
        self.player: pj.AudioMediaPlayer | None = None
        self.recorded = 0  # calls recorded so far
        self.to_dial = [n for n in args.call.split(",") if n]
        self.dial_at: float | None = None  # monotonic time the next number is due
        self.transferred = False

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        """Report the registration result."""
        ok = prm.code // 100 == 2 and prm.expiration > 0
        say("registered" if ok else "registration", code=prm.code, reason=prm.reason)
        if ok and self.to_dial and self.dial_at is None:
            self.dial_at = time.monotonic()

    def dial(self, number: str) -> None:
        """Call a number through the SIP edge."""
        call = AgentCall(self, pj.PJSUA_INVALID_ID)
        prm = pj.CallOpParam(True)
        prm.opt.audioCount, prm.opt.videoCount = 1, 0
        call.makeCall(f"sip:{number}@{self.args.registrar}", prm)
        self.calls[call.getId()] = call
        say("dialling", number=number)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        """Ring, and answer after the configured delay."""
        call = AgentCall(self, prm.callId)
        self.calls[prm.callId] = call
        message = prm.rdata.wholeMsg
        identity = header(message, "P-Asserted-Identity")
        say("incoming", **{"from": call.getInfo().remoteUri, "identity": identity,
                           "call_info": header(message, "Call-Info"),
                           "alert_info": header(message, "Alert-Info")})  # fmt: skip
        ring = pj.CallOpParam()
        ring.statusCode = 180
        call.answer(ring)
        if self.args.answer_ms >= 0:
            self.pending.append((time.monotonic() + self.args.answer_ms / 1000.0, call))

    def finished(self, call: AgentCall) -> None:
        """Forget a finished call now, inside its DISCONNECTED callback.

        pjsua2 2.12's ~Call acts on the call id it had, which pjsua reuses: an old
        Call destroyed later (e.g. replaced in a dict) would hang up a new call.
        """
        self.pending = [(t, c) for t, c in self.pending if c is not call]
        self.calls = {cid: c for cid, c in self.calls.items() if c is not call}
        if self.to_dial and self.dial_at is None and not self.calls:
            self.dial_at = time.monotonic() + 0.5

    def tick(self) -> None:
        """Answer due calls, sample media, hang up after --talk-ms if asked."""
        now = time.monotonic()
        if self.dial_at is not None and now >= self.dial_at and self.to_dial:
            self.dial_at = None
            self.dial(self.to_dial.pop(0))
        for due, call in [p for p in self.pending if p[0] <= now]:
            self.pending.remove((due, call))
            ok = pj.CallOpParam()
            ok.statusCode = 200
            call.answer(ok)
        for call in list(self.calls.values()):
            call.sample()
            call.send_keys(now)
            call.transfer(now)
            talk = self.args.talk_ms / 1000.0
            if self.args.talk_ms > 0 and call.confirmed_at and now - call.confirmed_at > talk:
                call.confirmed_at = None
                call.hangup(pj.CallOpParam())


def header(message: str, name: str) -> str:
    """Return the value of the first header called name in a SIP message ('' if none)."""
    for line in message.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return ""


def keys(text: str) -> tuple[int, str]:
    """Return (ms, digits) from MS:DIGITS."""
    ms, _, digits = text.partition(":")
    if not ms.isdigit() or not digits or any(d not in "0123456789*#" for d in digits):
        raise argparse.ArgumentTypeError(f"expected MS:DIGITS, got {text!r}")
    return int(ms), digits


def transfer_to(text: str) -> tuple[int, str]:
    """Return (ms, number) from MS:NUMBER."""
    ms, _, number = text.partition(":")
    if not ms.isdigit() or not number:
        raise argparse.ArgumentTypeError(f"expected MS:NUMBER, got {text!r}")
    return int(ms), number


def parse() -> argparse.Namespace:
    """Return the command-line arguments."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--extension", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--registrar", required=True, help="host:port of the SIP edge")
    ap.add_argument("--domain", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True, help="local SIP port")
    ap.add_argument("--rtp-port", type=int, required=True)
    ap.add_argument("--answer-ms", type=int, default=300, help="-1: never answer")
    ap.add_argument("--talk-ms", type=int, default=0, help="hang up after; 0: never")
    ap.add_argument("--tone", default="")
    ap.add_argument("--record", default="", help="folder for the WAV of each call received")
    ap.add_argument("--call", default="", help="numbers to dial once registered, comma-separated")
    ap.add_argument("--xfer", type=transfer_to, default=None, metavar="MS:NUMBER",
                    help="transfer the first call answered to NUMBER, MS ms in")  # fmt: skip
    ap.add_argument("--dtmf", type=keys, action="append", default=[], metavar="MS:DIGITS",
                    help="key DIGITS MS ms after answer (repeatable)")  # fmt: skip
    ap.add_argument("--seconds", type=float, default=120)
    return ap.parse_args()


def main() -> int:
    """Run the phone until SIGTERM or --seconds."""
    args = parse()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
    cfg.medConfig.clockRate = cfg.medConfig.sndClockRate = 8000
    cfg.medConfig.noVad = True
    cfg.medConfig.ecTailLen = 0
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    tcfg = pj.TransportConfig()
    tcfg.port, tcfg.boundAddress = args.port, "127.0.0.1"
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.libStart()
    phone = Phone(args)
    if args.tone:
        phone.player = pj.AudioMediaPlayer()
        phone.player.createPlayer(args.tone)
    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:{args.extension}@{args.domain}"
    acfg.regConfig.registrarUri = f"sip:{args.registrar}"
    acfg.regConfig.timeoutSec = 300
    acfg.sipConfig.authCreds.append(
        pj.AuthCredInfo("digest", "*", args.extension, 0, args.password)
    )
    acfg.mediaConfig.transportConfig.port = args.rtp_port
    acfg.mediaConfig.transportConfig.portRange = 100
    acfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
    phone.create(acfg)
    end = time.monotonic() + args.seconds
    while not stop["now"] and time.monotonic() < end:
        ep.libHandleEvents(20)
        phone.tick()
    try:
        phone.setRegistration(False)  # unregister so the edge forgets this phone
        for _ in range(25):
            ep.libHandleEvents(20)
            if not phone.getInfo().regIsActive:
                break
    except pj.Error:
        pass
    ep.hangupAllCalls()
    for _ in range(5):
        ep.libHandleEvents(20)
    phone.calls.clear()
    phone.player = None
    phone.shutdown()
    del phone
    ep.libDestroy(pj.PJSUA_DESTROY_NO_RX_MSG)  # answers are in: skip the library's 1 s wait
    return 0


if __name__ == "__main__":
    sys.exit(main())
