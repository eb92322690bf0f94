"""Hold N bridged call pairs and N players in one engine process; print what happened as JSON.

Run by test_limits.py in its own process (pjsua2 allows one endpoint per process).
The engine's own `Reactor` sets the library up, so its limits and media settings
are the ones tested.  Each pair is two SIP dialogs to itself on loopback: the
calling and the answering leg, joined both ways in the conference bridge.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

import pjsua2 as pj

from appliance.config import load
from appliance.engine.reactor import Reactor


class Leg(pj.Call):
    """A leg that notes when its audio is up."""

    def __init__(self, acc: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(acc, call_id)
        self.audio: pj.AudioMedia | None = None

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        info = self.getInfo()
        for m in info.media:
            if m.type == pj.PJMEDIA_TYPE_AUDIO and m.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.audio = self.getAudioMedia(m.index)


class Answerer(pj.Account):
    """Answer every incoming call."""

    def __init__(self) -> None:
        super().__init__()
        self.incoming: list[Leg] = []

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        leg = Leg(self, prm.callId)
        self.incoming.append(leg)
        op = pj.CallOpParam()
        op.statusCode = 200
        leg.answer(op)


def main(pairs: int, port: int, rtp: int, tone: str) -> dict[str, object]:
    """Start the engine's reactor, run the probe, destroy the library; return the result."""
    env = {
        "CALLBOX_ENGINE__PORT": str(port),
        "CALLBOX_ENGINE__TRUNK_PORT": str(port + 1),
        "CALLBOX_ENGINE__LOG_LEVEL": os.environ.get("PROBE_LOG", "0"),
        "CALLBOX_PATHS__VAR": "/tmp/callbox-limits",
    }
    reactor = Reactor(load(config_file="/nonexistent", env=env))
    reactor.start()
    try:
        return probe(reactor, pairs, port, rtp, tone)  # every pjsua2 object dies in there
    finally:
        reactor.destroy()


def probe(reactor: Reactor, pairs: int, port: int, rtp: int, tone: str) -> dict[str, object]:
    """Make the calls, bridge them, add players, measure, hang up."""
    acc = Answerer()
    cfg = pj.AccountConfig()
    cfg.idUri = f"sip:probe@127.0.0.1:{port}"
    cfg.sipConfig.transportId = reactor.edge_transport
    cfg.mediaConfig.transportConfig.port = rtp
    cfg.mediaConfig.transportConfig.portRange = pairs * 8
    acc.create(cfg, True)
    reactor.ep.edge_account_index = reactor.ep.trunk_account_index = acc.getId()
    callers, errors = dial(reactor, acc, pairs, port)
    up = wait_for_audio(reactor, lambda: callers + acc.incoming, 2 * len(callers))
    for a, b in zip(callers, acc.incoming, strict=False):
        if a.audio is not None and b.audio is not None:
            a.audio.startTransmit(b.audio)
            b.audio.startTransmit(a.audio)
    players = start_players(up[:pairs], tone, errors)
    reactor.drain(2.0)
    rx = [leg.getStreamStat(0).rtcp.rxStat.pkt for leg in up]
    reactor.ep.hangupAllCalls()
    reactor.drain(1.0)
    acc.incoming.clear()
    acc.shutdown()
    return {
        "pairs_requested": pairs,
        "legs_up": len(up),
        "players": len(players),
        "legs_receiving_rtp": sum(1 for n in rx if n > 0),
        "errors": errors[:3],
    }


def dial(reactor: Reactor, acc: Answerer, pairs: int, port: int) -> tuple[list[Leg], list[str]]:
    """Place the calling legs; return them and any errors."""
    callers: list[Leg] = []
    errors: list[str] = []
    for i in range(pairs):
        leg = Leg(acc)
        try:
            leg.makeCall(f"sip:{i}@127.0.0.1:{port}", pj.CallOpParam(True))
        except pj.Error as exc:
            errors.append(exc.info())
            break
        callers.append(leg)
        reactor.ep.libHandleEvents(1)
    return callers, errors


def wait_for_audio(reactor: Reactor, legs: Callable[[], list[Leg]], wanted: int) -> list[Leg]:
    """Poll until wanted legs have audio (30 s at most); return those that do."""
    end = time.monotonic() + 30
    while time.monotonic() < end and sum(leg.audio is not None for leg in legs()) < wanted:
        reactor.ep.libHandleEvents(10)
    return [leg for leg in legs() if leg.audio is not None]


def start_players(legs: list[Leg], tone: str, errors: list[str]) -> list[pj.AudioMediaPlayer]:
    """Play the tone to each leg with its own player."""
    players = []
    for leg in legs:
        try:
            player = pj.AudioMediaPlayer()
            player.createPlayer(tone, 0)
            player.startTransmit(leg.audio)
            players.append(player)
        except pj.Error as exc:
            errors.append(exc.info())
            break
    return players


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
