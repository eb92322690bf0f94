"""The gsm driver's call audio: PCM on the module's audio tty (a second pty of the simulator).

SIMCom SIM7600, Quectel EC25 and Huawei E1752 each switch PCM on when a call is up and
off at its end (Huawei: it stops with the call); 20 ms frames flow both ways; a far end
that goes quiet or stops reading stalls nothing; odd-sized writes make whole frames.
A SIM800 has no PCM path and says so.
"""

from __future__ import annotations

import array
import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import gsm_config, next_event, wait_for
from modem_sim import E1752, EC25, SIM800, SIM7600, ModemSimulator
from tones import pcm_level

from appliance.boards.const import CallState, EventKind
from appliance.boards.drivers.gsm import GsmBoard
from appliance.boards.exceptions import AudioNotWired
from appliance.boards.gsm.pcm import QUEUE_FRAMES, SerialPcmAudio
from appliance.boards.gsm.port import GsmPort
from appliance.boards.gsm.vendors import QUECTEL

pytestmark = pytest.mark.timeout(30)
PCM_DIALECTS = {"sim7600": SIM7600, "ec25": EC25, "e1752": E1752}
FRAME = 320


@pytest.fixture(params=sorted(PCM_DIALECTS))
def pcm_modem(request: pytest.FixtureRequest) -> Iterator[ModemSimulator]:
    """Yield a simulated module with a PCM path, each dialect in turn."""
    sim = ModemSimulator(PCM_DIALECTS[request.param])
    yield sim
    sim.close()


@pytest.fixture
def line(pcm_modem: ModemSimulator, tmp_path: Path) -> Iterator[GsmPort]:
    """Yield the port of an opened gsm board whose audio_device is the simulator's audio pty."""
    board = GsmBoard("mobile", gsm_config(pcm_modem, tmp_path, audio_device=pcm_modem.audio_path))
    board.open()
    port = board.ports[0]
    assert isinstance(port, GsmPort)
    yield port
    board.close()


def pcm_audio(port: GsmPort) -> SerialPcmAudio:
    """Return the port's audio, typed."""
    assert isinstance(port.audio, SerialPcmAudio)
    return port.audio


def frames_for(port: GsmPort, seconds: float) -> list[bytes]:
    """Read the frames the line gives for seconds."""
    got: list[bytes] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = port.audio.read_frame(0.05)
        if frame is not None:
            got.append(frame)
    return got


def tone(hz: int, frames: int) -> list[bytes]:
    """Return frames of a sine at hz (8 kHz 16-bit)."""
    samples = [int(9000 * math.sin(2 * math.pi * hz * i / 8000)) for i in range(160 * frames)]
    pcm = array.array("h", samples).tobytes()
    return [pcm[i : i + FRAME] for i in range(0, len(pcm), FRAME)]


def answer_call(modem: ModemSimulator, port: GsmPort) -> None:
    """Ring the line, answer it, and wait for the PCM path to come up."""
    modem.incoming_call("13800138000")
    next_event(port.events, EventKind.CALLER_ID)
    port.answer()
    wait_for(lambda: modem.state.pcm and pcm_audio(port).running, 3)


def test_answer_turns_pcm_on_frames_flow_both_ways_hangup_turns_it_off(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """ATA, then the vendor's enable; the far end's 600 Hz arrives in 320-byte frames, our
    1 kHz reaches the far end; AT+CHUP, then the vendor's disable, and the tty is closed."""
    assert line.pcm is not None and line.pcm.enable == pcm_modem.dialect.pcm_on
    assert pcm_modem.dialect.pcm_on not in pcm_modem.state.received  # not before the call
    answer_call(pcm_modem, line)
    sent = pcm_modem.state.received
    assert sent.index("ATA") < sent.index(pcm_modem.dialect.pcm_on)
    frames = frames_for(line, 1.0)
    assert len(frames) >= 35 and {len(f) for f in frames} == {FRAME}, len(frames)
    heard = b"".join(frames)
    assert pcm_level(heard, 600) > 6000 and pcm_level(heard, 1000) < 300
    pcm_modem.take_heard()
    for frame in tone(1000, 25):
        line.audio.write_frame(frame)
        time.sleep(0.02)
    wait_for(lambda: len(pcm_modem.state.heard) >= 25 * FRAME, 2)
    spoken = pcm_modem.take_heard()
    assert pcm_level(spoken, 1000) > 6000 and pcm_level(spoken, 600) < 300
    stats = pcm_audio(line).stats()
    assert stats.frames_out >= 25 and stats.frames_in >= 35 and stats.dropped_out == 0
    line.hangup()
    wait_for(lambda: not pcm_audio(line).running, 2)
    if pcm_modem.dialect.pcm_off:
        wait_for(lambda: pcm_modem.dialect.pcm_off in pcm_modem.state.received, 2)
        assert not pcm_modem.state.pcm
    assert line.audio.read_frame(0.05) is None  # nothing after the call
    line.audio.write_frame(bytes(FRAME))  # a late frame from the bridge is dropped quietly


def test_call_out_answered_turns_pcm_on_remote_hangup_off(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """The far end answering a call out starts the audio; its hangup stops it."""
    line.dial("10086")
    time.sleep(0.2)
    assert pcm_modem.dialect.pcm_on not in pcm_modem.state.received  # not while dialling
    pcm_modem.remote_answer()
    next_event(line.events, EventKind.ANSWERED)
    wait_for(lambda: pcm_modem.state.pcm and pcm_audio(line).running, 3)
    assert len(frames_for(line, 0.4)) >= 10
    pcm_modem.remote_hangup()
    next_event(line.events, EventKind.HANGUP)
    wait_for(lambda: not pcm_audio(line).running, 2)
    if pcm_modem.dialect.pcm_off:
        wait_for(lambda: pcm_modem.dialect.pcm_off in pcm_modem.state.received, 2)


def test_far_end_going_quiet_or_deaf_stalls_nothing(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """No audio from the module: reads return None in their timeout, the call goes on; a
    module that stops reading: writes never block, the oldest frames are dropped, counted."""
    answer_call(pcm_modem, line)
    assert frames_for(line, 0.2)
    pcm_modem.state.audio_stalled = True
    frames_for(line, 0.2)  # what was already on its way
    started = time.monotonic()
    assert line.audio.read_frame(0.1) is None
    assert time.monotonic() - started < 0.5
    line.send_dtmf("5")  # the AT port is not held up by the audio
    assert pcm_modem.state.dtmf == ["5"]
    pcm_modem.state.audio_deaf = True
    started = time.monotonic()
    for frame in tone(1000, 400):  # 8 s of audio, far more than the pty and the queue hold
        line.audio.write_frame(frame)
    assert time.monotonic() - started < 1.0
    wait_for(lambda: pcm_audio(line).stats().dropped_out > 0, 5)
    pcm_modem.state.audio_stalled = False
    assert frames_for(line, 0.5), "audio comes back when the module speaks again"
    line.hangup()
    assert next_event(line.events, EventKind.HANGUP).data == {"cause": "local"}
    wait_for(lambda: not pcm_audio(line).running, 3)


def test_a_reader_that_falls_behind_keeps_the_newest_audio(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """Frames nobody reads are bounded: the oldest go, counted."""
    answer_call(pcm_modem, line)
    time.sleep(1.0)  # 50 frames arrive, the queue keeps QUEUE_FRAMES
    stats = pcm_audio(line).stats()
    assert stats.dropped_in >= 50 - QUEUE_FRAMES - 10, stats
    kept = 0
    while line.audio.read_frame(0) is not None:
        kept += 1
    assert kept <= QUEUE_FRAMES


def test_odd_sized_module_writes_make_whole_frames(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """A module writing 100 bytes at a time (frames split mid-sample): every frame is 320
    bytes and the tone is intact; a wrong-sized frame from the bridge is refused."""
    pcm_modem.state.audio_chunk = 99
    answer_call(pcm_modem, line)
    frames = frames_for(line, 1.0)
    assert len(frames) >= 30 and {len(f) for f in frames} == {FRAME}
    heard = b"".join(frames[2:])
    assert pcm_level(heard, 600) > 6000 and pcm_level(heard, 1000) < 300
    with pytest.raises(ValueError, match="320 bytes, got 319"):
        line.audio.write_frame(bytes(319))


def test_keys_pressed_by_the_caller_are_dtmf_events(
    pcm_modem: ModemSimulator, line: GsmPort
) -> None:
    """The vendor's key report (+RXDTMF, +QTONEDET with the ASCII code, ^DDTMF) is a dtmf
    event during a call; before the answer it is ignored."""
    pcm_modem.incoming_call("13800138000")
    next_event(line.events, EventKind.CALLER_ID)
    pcm_modem.press("9")  # not in a call yet
    line.answer()
    pcm_modem.press("2")
    pcm_modem.press("#")
    assert next_event(line.events, EventKind.DTMF).data == {"digit": "2"}
    assert next_event(line.events, EventKind.DTMF).data == {"digit": "#"}
    assert pcm_modem.dialect.dtmf_setup in pcm_modem.state.received


def test_sim800_has_no_audio_path(tmp_path: Path) -> None:
    """A SIM800 (analog voice pins only): health says so, no PCM command is ever sent."""
    sim = ModemSimulator(SIM800)
    board = GsmBoard("old", gsm_config(sim, tmp_path, audio_device=sim.audio_path))
    try:
        board.open()
        port = board.ports[0]
        assert isinstance(port, GsmPort) and port.pcm is None
        health = port.refresh_health()
        assert health.ok
        assert health.details["audio"] == "none: the SIMCOM_SIM800 has no PCM audio over USB"
        sim.incoming_call("13800138000")
        next_event(port.events, EventKind.CALLER_ID)
        port.answer()
        time.sleep(0.3)
        assert not [c for c in sim.state.received if "PCM" in c]
        with pytest.raises(AudioNotWired, match="has no PCM audio"):
            port.audio.read_frame(0)
        assert port.state is CallState.ACTIVE
    finally:
        board.close()
        sim.close()


def test_audio_port_missing_is_reported_and_the_call_goes_on(tmp_path: Path) -> None:
    """audio_device naming no tty: the answered call still works, health names the port."""
    sim = ModemSimulator(EC25)
    board = GsmBoard("mobile", gsm_config(sim, tmp_path, audio_device=str(tmp_path / "ttyNone")))
    try:
        board.open()
        port = board.ports[0]
        assert isinstance(port, GsmPort) and port.vendor is QUECTEL
        sim.incoming_call("13800138000")
        next_event(port.events, EventKind.CALLER_ID)
        port.answer()
        wait_for(lambda: "audio_failed" in port.health().problems, 3)
        assert "ttyNone" in port.health().details["audio_failed"]
        assert "AT+QPCMV=1,0" not in sim.state.received
        port.send_dtmf("1")
        port.hangup()
        assert port.state is CallState.IDLE
    finally:
        board.close()
        sim.close()


def test_no_audio_device_set(tmp_path: Path) -> None:
    """Without audio_device a PCM-capable module's calls carry no audio, and health says why."""
    sim = ModemSimulator(SIM7600)
    board = GsmBoard("mobile", gsm_config(sim, tmp_path))
    try:
        board.open()
        health = board.ports[0].health()
        assert health.ok and "audio_device is not set" in health.details["audio"]
    finally:
        board.close()
        sim.close()
