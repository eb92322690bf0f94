"""Carry a board line's audio through a FramePort over a real SIP call; report what happened.

Run by test_frame_port.py in its own process (pjsua2 allows one endpoint per
process, and its asserts end the process).  The engine's `Reactor` sets the
library up.  One SIP call on loopback, the engine calling itself: the "caller" leg
stands for the board call, the "answerer" leg for the far party.

- line → call: a simulated µ-law line feeds a 1 kHz tone through `LineBridge`
  (pumped by `LinePump` on the reactor's timers) into the caller leg; the far party
  records what it receives (to_call.wav).
- call → line: the far party plays a 600 Hz WAV; what the line is sent through the
  pump is saved (to_line.ulaw).
- underrun: the line goes quiet; the far party records silence (quiet.wav).
- overflow, a reader that does not read, a port destroyed while connected, and the
  binding's errors for bad input.

Prints one JSON line: counters, timings and errors; the test measures the audio.
"""

from __future__ import annotations

import array
import gc
import json
import math
import os
import sys
import time
import wave
from pathlib import Path

import pjsua2 as pj

from appliance.config import load
from appliance.engine import line_format
from appliance.engine.frame_port import FRAME_BYTES, LineBridge, LinePump
from appliance.engine.reactor import Reactor


class Leg(pj.Call):
    """A leg that notes when its audio is up."""

    def __init__(self, acc: pj.Account, call_id: int = pj.PJSUA_INVALID_ID) -> None:
        super().__init__(acc, call_id)
        self.audio: pj.AudioMedia | None = None

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        try:
            info = self.getInfo()  # kept: its media vector dies with it
            for m in info.media:
                if m.type == pj.PJMEDIA_TYPE_AUDIO and m.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                    self.audio = self.getAudioMedia(m.index)
        except pj.Error:
            pass


class Answerer(pj.Account):
    """Answer every incoming call."""

    def __init__(self) -> None:
        super().__init__()
        self.incoming: list[Leg] = []

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        try:
            leg = Leg(self, prm.callId)
            self.incoming.append(leg)
            op = pj.CallOpParam()
            op.statusCode = 200
            leg.answer(op)
        except pj.Error:
            pass


class ToneLine:
    """A simulated µ-law line: says a tone in real time, keeps what it is sent."""

    def __init__(self, hz: float) -> None:
        self.hz = hz
        self.start = time.monotonic()
        self.sent_frames = 0
        self.speaking = True
        self.heard = bytearray()

    def frame(self, index: int) -> bytes:
        """Return 20 ms of the tone (index counts frames) as µ-law."""
        n0 = index * 160
        pcm = array.array(
            "h", (int(8000 * math.sin(2 * math.pi * self.hz * (n0 + i) / 8000)) for i in range(160))
        )
        return line_format.from_pcm(pcm.tobytes(), "ulaw")

    def receive_audio(self) -> bytes:
        """Return the frames due since the last call (two frames ahead), or nothing."""
        due = int((time.monotonic() - self.start) / 0.02) + 2
        out = b""
        while self.speaking and self.sent_frames < due:
            out += self.frame(self.sent_frames)
            self.sent_frames += 1
        return out

    def send_audio(self, data: bytes) -> None:
        """Keep what the line is sent."""
        self.heard += data


class BrokenLine:
    """A line whose driver fails: the pump must drop it and keep the others going."""

    def receive_audio(self) -> bytes:
        """Fail as a driver with a vanished device would."""
        raise OSError("device gone")

    def send_audio(self, data: bytes) -> None:
        """Never reached."""


def write_tone(path: Path, hz: float, seconds: float) -> None:
    """Write an 8 kHz 16-bit mono WAV of a sine."""
    n = int(8000 * seconds)
    pcm = array.array("h", (int(8000 * math.sin(2 * math.pi * hz * i / 8000)) for i in range(n)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm.tobytes())


def main(port: int, rtp: int, work: Path) -> dict[str, object]:
    """Start the engine's reactor, run the probe, destroy the library; return the result."""
    env = {
        "CALLBOX_ENGINE__PORT": str(port),
        "CALLBOX_ENGINE__TRUNK_PORT": str(port + 1),
        "CALLBOX_ENGINE__LOG_LEVEL": os.environ.get("PROBE_LOG", "0"),
        "CALLBOX_PATHS__VAR": str(work / "var"),
    }
    reactor = Reactor(load(config_file="/nonexistent", env=env))
    reactor.start()
    try:
        return probe(reactor, port, rtp, work)  # every pjsua2 object dies in there
    finally:
        gc.collect()
        reactor.destroy()


def probe(reactor: Reactor, port: int, rtp: int, work: Path) -> dict[str, object]:
    """Place the call, run each check, hang up."""
    result: dict[str, object] = {"errors": []}
    acc = Answerer()
    cfg = pj.AccountConfig()
    cfg.idUri = f"sip:probe@127.0.0.1:{port}"
    cfg.sipConfig.transportId = reactor.edge_transport
    cfg.mediaConfig.transportConfig.port = rtp
    cfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
    cfg.mediaConfig.transportConfig.portRange = 16
    acc.create(cfg, True)
    reactor.ep.edge_account_index = reactor.ep.trunk_account_index = acc.getId()
    caller = Leg(acc)
    try:
        caller.makeCall(f"sip:line@127.0.0.1:{port}", pj.CallOpParam(True))
        end = time.monotonic() + 10
        while time.monotonic() < end and not (
            caller.audio and acc.incoming and acc.incoming[0].audio
        ):
            reactor.ep.libHandleEvents(10)
        if not (caller.audio and acc.incoming and acc.incoming[0].audio):
            raise RuntimeError("the loopback call did not get audio within 10 s")
        far = acc.incoming[0]
        both_ways(reactor, caller, far, work, result)
        bad_input(result)
        overflow(reactor, caller, result)
        destroyed_while_connected(reactor, caller, far, result)
    finally:
        reactor.ep.hangupAllCalls()
        reactor.drain(0.5)
        caller.audio = None
        for leg in acc.incoming:
            leg.audio = None
        acc.incoming.clear()
        del caller
        gc.collect()
        acc.shutdown()
    return result


def both_ways(reactor: Reactor, caller: Leg, far: Leg, work: Path, out: dict[str, object]) -> None:
    """Tone each way through the line's bridge; then the line goes quiet."""
    write_tone(work / "600.wav", 600, 5)
    line = ToneLine(1000)
    bridge = LineBridge("line-1", "ulaw", capacity_frames=50)
    bridge.connect(caller.audio)
    pump = LinePump(reactor.call_later)
    pump.add(bridge, line)
    broken = LineBridge("line-broken", "slin16", capacity_frames=5)
    pump.add(broken, BrokenLine())
    player = pj.AudioMediaPlayer()
    player.createPlayer(str(work / "600.wav"), pj.PJMEDIA_FILE_NO_LOOP)
    player.startTransmit(far.audio)
    recorder = pj.AudioMediaRecorder()
    recorder.createRecorder(str(work / "to_call.wav"))
    far.audio.startTransmit(recorder)
    reactor.drain(2.0)
    far.audio.stopTransmit(recorder)
    player.stopTransmit(far.audio)
    del recorder, player
    out["tone_stats"] = bridge.stats().__dict__
    out["pumped_lines"] = pump.lines
    broken.close()
    (work / "to_line.ulaw").write_bytes(bytes(line.heard))

    # Underrun: the line stops speaking; the bridge sends silence and counts it.
    line.speaking = False
    reactor.drain(0.2)  # what was queued drains first
    before = bridge.stats().underruns
    quiet = pj.AudioMediaRecorder()
    quiet.createRecorder(str(work / "quiet.wav"))
    far.audio.startTransmit(quiet)
    reactor.drain(1.5)
    far.audio.stopTransmit(quiet)
    del quiet
    out["quiet_underruns"] = bridge.stats().underruns - before
    pump.stop()
    bridge.close()
    out["closed_and_connected_ok"] = caller.isActive()


def bad_input(out: dict[str, object]) -> None:
    """The binding's errors for wrong input; nothing reaches the queues."""
    port = pj.FramePort()
    port.createPort("bad-input", 5)
    errors = {}
    for label, action in (
        ("write_str", lambda: port.write("text")),
        ("write_odd", lambda: port.write(b"\x01\x02\x03")),
        ("write_int", lambda: port.write(7)),
        ("read_negative", lambda: port.read(-1)),
        ("create_twice", lambda: port.createPort("again", 5)),
    ):
        try:
            action()
            errors[label] = None
        except pj.Error as exc:
            errors[label] = f"pj.Error {exc.status}"
        except (TypeError, ValueError) as exc:
            errors[label] = f"{type(exc).__name__}: {exc}"
    errors["pending_after_bad_writes"] = int(port.pendingFromLine())
    port.write(memoryview(b"\x00\x01" * 160))  # any bytes-like object
    errors["pending_after_memoryview"] = int(port.pendingFromLine())
    try:
        LineBridge("bad-format", "gsm")
        errors["bad_format"] = None
    except ValueError as exc:
        errors["bad_format"] = f"ValueError: {exc}"
    split = LineBridge("split-samples", "slin16", capacity_frames=5)
    split.feed(b"\x01")  # a PCM line that splits a sample across two reads
    errors["pending_after_half_sample"] = split.stats().pending_from_line
    split.feed(b"\x02\x03\x04")
    errors["pending_after_rest"] = split.stats().pending_from_line
    split.close()
    port.destroyPort()
    out["bad_input"] = errors


def overflow(reactor: Reactor, caller: Leg, out: dict[str, object]) -> None:
    """Too much line audio, and a reader that does not read: drops counted, nothing blocks."""
    port = pj.FramePort()
    port.createPort("overflow", 5)
    frame = b"\x10\x00" * 160
    started = time.monotonic()
    for _ in range(200):
        port.write(frame)
    out["overflow_write_seconds"] = time.monotonic() - started
    out["overflow_pending_from_line"] = int(port.pendingFromLine())
    out["overflow_dropped_from_line"] = int(port.droppedFromLine())
    caller.audio.startTransmit(port)
    reactor.drain(0.6)  # ~30 frames into a 5-frame queue nobody reads
    out["overflow_pending_to_line"] = int(port.pendingToLine())
    out["overflow_dropped_to_line"] = int(port.droppedToLine())
    out["overflow_read_len"] = len(port.read(100 * FRAME_BYTES))
    caller.audio.stopTransmit(port)
    port.destroyPort()


def destroyed_while_connected(
    reactor: Reactor, caller: Leg, far: Leg, out: dict[str, object]
) -> None:
    """Drop a connected port without closing it: the bridge and the call carry on."""
    port = pj.FramePort()
    port.createPort("dropped", 10)
    port.startTransmit(caller.audio)
    caller.audio.startTransmit(port)
    port.startTransmit(far.audio)
    reactor.drain(0.3)
    out["dropped_frames_before"] = int(port.framesToLine())
    del port
    gc.collect()
    witness = pj.FramePort()
    witness.createPort("witness", 10)
    caller.audio.startTransmit(witness)
    reactor.drain(0.5)
    out["witness_frames_after_drop"] = int(witness.framesToLine())
    out["call_active_after_drop"] = caller.isActive() and far.isActive()
    witness.destroyPort()


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))))
