"""The dahdi driver's software: caller ID on an FXO line, software DTMF, caller ID to a phone.

The scripted channel device (`dahdi_fake`) is fed the G.711 blocks a real line gives:
FSK between the first and second ring, DTMF caller ID before the first ring, DTMF keys
in a call on a card without DTMF detection; what the FXS port writes is decoded back.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import next_event, wait_for
from dahdi_fake import FakeChannel, FakeChannels
from test_dahdi import PROC_SPAN

from appliance.boards import g711
from appliance.boards.base import PortEvent
from appliance.boards.callerid import fsk, messages
from appliance.boards.callerid.messages import CallerId
from appliance.boards.callerid.receiver import CallerIdReceiver
from appliance.boards.const import CallState, EventKind
from appliance.boards.dahdi import ioctls
from appliance.boards.dahdi.port import DahdiPort
from appliance.boards.drivers.dahdi import DahdiBoard
from appliance.boards.dsp import dtmf, pcm
from appliance.boards.exceptions import BoardConfigError
from appliance.boards.schemas import validate

pytestmark = pytest.mark.timeout(30)
ZHANG = CallerId("13800138000", "Zhang Wei", "11281030")


@pytest.fixture
def fake() -> FakeChannels:
    """An FXO line on a card without DTMF detection (1) and an FXS phone (2, A-law)."""
    return FakeChannels(
        {
            1: FakeChannel(ioctls.SIG_NAMES["FXSKS"], tone_detect=False),
            2: FakeChannel(ioctls.SIG_NAMES["FXOKS"], law=ioctls.LAW_ALAW, tone_detect=False),
        }
    )


def open_board(tmp_path: Path, fake: FakeChannels, **extra: object) -> DahdiBoard:
    """Return an opened dahdi board on the fake device."""
    (tmp_path / "proc" / "dahdi").mkdir(parents=True)
    (tmp_path / "proc" / "dahdi" / "1").write_text(PROC_SPAN)
    (tmp_path / "dev" / "dahdi").mkdir(parents=True)
    (tmp_path / "dev" / "dahdi" / "channel").touch()
    raw = {"root": str(tmp_path), "ring_timeout": 5.0, **extra}
    card = DahdiBoard("analog", validate(raw, DahdiBoard.SCHEMA, "analog"), fake)
    card.open()
    return card


@pytest.fixture
def board(tmp_path: Path, fake: FakeChannels) -> Iterator[DahdiBoard]:
    """Yield the opened board."""
    card = open_board(tmp_path, fake)
    yield card
    card.close()


def port(board: DahdiBoard, n: int) -> DahdiPort:
    """Return channel n's port."""
    found = board.ports[n - 1]
    assert isinstance(found, DahdiPort)
    return found


def feed(fake: FakeChannels, channel: int, values: list[float], law: str = "ulaw") -> None:
    """Queue audio on a channel as the card's 20 ms G.711 blocks."""
    for frame in pcm.frames(values):
        fake.frame(channel, g711.encode(frame, law))


def ring(fake: FakeChannels, line: DahdiPort) -> None:
    """Ring the line once and wait until the port took the ring."""
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    wait_for(lambda: line.state is CallState.RINGING)


def test_fsk_caller_id_between_the_first_and_second_ring(
    board: DahdiBoard, fake: FakeChannels
) -> None:
    """The first ring says how long to wait; the MDMF burst after it is the caller ID."""
    line = port(board, 1)
    ring(fake, line)
    assert next_event(line.events, EventKind.RING).data == {"caller_id_wait": 5.0}
    burst = fsk.modulate(messages.encode_mdmf(ZHANG), fsk.BELL202, -16.0)
    feed(fake, 1, pcm.add_noise(pcm.silence(0.4) + burst + pcm.silence(0.2), -50.0))
    event = next_event(line.events, EventKind.CALLER_ID, timeout=5.0)
    assert event.data == {
        "number": "13800138000",
        "name": "Zhang Wei",
        "when": "11281030",
        "signalling": "fsk",
    }
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)  # the second ring: nothing more to say
    assert next_event(line.events, EventKind.RING).data == {}
    time.sleep(0.2)
    assert not [e for e in _drain(line) if e.kind is EventKind.CALLER_ID]


def test_dtmf_caller_id_before_the_first_ring(board: DahdiBoard, fake: FakeChannels) -> None:
    """China's D<number>C before ringing: the first ring comes with its caller ID."""
    line = port(board, 1)
    feed(fake, 1, pcm.silence(0.2) + dtmf.generate("D075586001234C", 0.06, 0.06, -15.0))
    wait_for(lambda: line._listener is not None and line._listener.pending is not None, 5.0)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(line.events, EventKind.RING).data == {}
    assert next_event(line.events, EventKind.CALLER_ID).data == {
        "number": "075586001234",
        "name": "",
        "signalling": "dtmf",
    }


def test_etsi_caller_id_prior_to_ringing(board: DahdiBoard, fake: FakeChannels) -> None:
    """ETSI EN 300 659-1 prior to ringing: a line reversal, the dual-tone alert (2130 +
    2750 Hz), V.23 FSK; the first ring then comes with that caller ID."""
    line = port(board, 1)
    fake.event(1, ioctls.EVENT_POLARITY)
    assert next_event(line.events, EventKind.POLARITY)
    alert = pcm.tone((2130.0, 2750.0), 0.1, -20.0)
    burst = fsk.modulate(messages.encode_mdmf(ZHANG), fsk.V23, -18.0)
    feed(fake, 1, alert + pcm.silence(0.06) + burst + pcm.silence(0.2))
    wait_for(lambda: line._listener is not None and line._listener.pending is not None, 5.0)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(line.events, EventKind.RING).data == {}
    assert next_event(line.events, EventKind.CALLER_ID).data["number"] == "13800138000"


def test_a_corrupt_caller_id_is_none_and_the_second_ring_says_so(
    board: DahdiBoard, fake: FakeChannels
) -> None:
    """A wrong checksum gives no caller ID; the second ring ends the wait with none."""
    line = port(board, 1)
    ring(fake, line)
    data = bytearray(messages.encode_mdmf(ZHANG))
    data[-1] ^= 0x10
    feed(fake, 1, pcm.silence(0.3) + fsk.modulate(bytes(data), fsk.V23, -16.0))
    wait_for(lambda: not fake.channels[1].frames, 5.0)
    time.sleep(0.2)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    events = [e for e in _drain(line, 1.0) if e.kind is EventKind.CALLER_ID]
    assert [e.data for e in events] == [{"number": "", "name": ""}]


def test_software_dtmf_in_a_call(board: DahdiBoard, fake: FakeChannels) -> None:
    """A card without DTMF detection: the keys of a call are detected in its audio."""
    line = port(board, 1)
    assert line.health().details["dtmf"] == "software"
    ring(fake, line)
    line.answer()
    feed(fake, 1, pcm.add_noise(dtmf.generate("2#9", 0.08, 0.08, -15.0), -40.0))
    digits = [next_event(line.events, EventKind.DTMF, 5.0).data["digit"] for _ in range(3)]
    assert digits == ["2", "#", "9"]
    line.hangup()


def test_a_lifted_phone_dials_by_dtmf_and_hears_its_caller_id(
    board: DahdiBoard, fake: FakeChannels
) -> None:
    """FXS: the phone's keys are detected while it dials; a call rings it with FSK caller
    ID written to it after the first ring (not before), which decodes back."""
    phone = port(board, 2)
    fake.event(2, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(phone.events, EventKind.OFFHOOK)
    feed(fake, 2, dtmf.generate("205", 0.07, 0.07, -12.0), "alaw")
    keys = [next_event(phone.events, EventKind.DTMF, 5.0).data["digit"] for _ in range(3)]
    assert keys == ["2", "0", "5"]
    fake.event(2, ioctls.EVENT_ONHOOK)
    assert next_event(phone.events, EventKind.HANGUP)
    fake.channels[2].written.clear()
    phone.ring("13800138000", "Zhang Wei")
    assert fake.channels[2].hooks[-1] == ioctls.RING
    feed(fake, 2, pcm.silence(0.2), "alaw")
    wait_for(lambda: not fake.channels[2].frames)
    assert fake.channels[2].written == []  # nothing while the bell rings
    fake.event(2, ioctls.EVENT_RINGEROFF)
    feed(fake, 2, pcm.silence(1.6), "alaw")  # the line's pace: one block out per block in
    wait_for(lambda: not fake.channels[2].frames, 5.0)
    receiver = CallerIdReceiver("bell")
    found = [receiver.feed_pcm(g711.decode(b, "alaw")) for b in fake.channels[2].written]
    [cid] = [c for c in found if c is not None]
    assert (cid.number, cid.name) == ("13800138000", "Zhang Wei")
    assert len(cid.when) == 8
    fake.event(2, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(phone.events, EventKind.ANSWERED)


def test_dtmf_caller_id_to_a_phone_goes_before_the_ring(tmp_path: Path, fake: FakeChannels) -> None:
    """phone_caller_id dtmf: A<number>C is written first, then the phone is rung."""
    card = open_board(tmp_path, fake, phone_caller_id="dtmf", caller_id="off")
    try:
        phone = port(card, 2)
        phone.ring("8675")
        assert fake.channels[2].hooks == []
        feed(fake, 2, pcm.silence(1.5), "alaw")
        wait_for(lambda: fake.channels[2].hooks == [ioctls.RING], 5.0)
        receiver = CallerIdReceiver("dtmf")
        found = [receiver.feed_pcm(g711.decode(b, "alaw")) for b in fake.channels[2].written]
        assert [c.number for c in found if c is not None] == ["8675"]
        line = port(card, 1)  # caller_id off: the first ring asks for no wait
        ring(fake, line)
        assert next_event(line.events, EventKind.RING).data == {}
    finally:
        card.close()


def _drain(line: DahdiPort, seconds: float = 0.3) -> list[PortEvent]:
    """Return the events the port gives within seconds."""
    found: list[PortEvent] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found.append(line.events.get(timeout=0.05))
        except queue.Empty:
            continue
    return found


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"caller_id": "morse"}, "caller_id must be one of"),
        ({"phone_caller_id": "auto"}, "phone_caller_id must be one of"),
        ({"caller_id_wait": 0.1}, "caller_id_wait must be at least 0.5"),
    ],
)
def test_bad_caller_id_settings_are_refused(
    tmp_path: Path, extra: dict[str, object], message: str
) -> None:
    """A caller ID setting out of range names the key and what it may be."""
    with pytest.raises(BoardConfigError, match=message):
        validate({"root": str(tmp_path), **extra}, DahdiBoard.SCHEMA, "analog")
