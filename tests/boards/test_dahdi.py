"""The dahdi driver against a scripted channel device: ioctls, events and real G.711 frames."""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from board_support import next_event
from dahdi_fake import FakeChannel, FakeChannels

from appliance.boards import audio
from appliance.boards.const import BoardState, CallState, EventKind, PortKind
from appliance.boards.dahdi import detect, ioctls
from appliance.boards.dahdi.port import DahdiPort
from appliance.boards.drivers.dahdi import DahdiBoard
from appliance.boards.exceptions import NotSupported, PortError
from appliance.boards.registry import Registry
from appliance.boards.schemas import validate

pytestmark = pytest.mark.timeout(30)

# /proc/dahdi/1 of a TDM410P with an FXO module on channel 1, FXS on 2, two empty slots.
PROC_SPAN = """Span 1: WCTDM/0 "Wildcard TDM410P" (MASTER)

           1 WCTDM/0/0 FXSKS (In use)
           2 WCTDM/0/1 FXOKS
           3 WCTDM/0/2
           4 WCTDM/0/3
"""
PROC_SPAN_IN_ALARM = """Span 2: WCTDM/1 "Wildcard TDM800P" RED

           5 WCTDM/1/0 FXSLS RED
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Return a root holding the /proc, /sys and /dev a loaded DAHDI card leaves."""
    (tmp_path / "proc" / "dahdi").mkdir(parents=True)
    (tmp_path / "proc" / "dahdi" / "1").write_text(PROC_SPAN)
    (tmp_path / "dev" / "dahdi").mkdir(parents=True)
    (tmp_path / "dev" / "dahdi" / "channel").touch()
    device = tmp_path / "sys" / "bus" / "dahdi_devices" / "devices" / "pci:0000:03:00.0"
    device.mkdir(parents=True)
    (device / "manufacturer").write_text("Digium\n")
    (device / "type").write_text("Wildcard TDM410P\n")
    return tmp_path


@pytest.fixture
def fake() -> FakeChannels:
    """Return a device with an FXO line (channel 1, signalled FXS) and an FXS phone (2)."""
    return FakeChannels(
        {
            1: FakeChannel(ioctls.SIG_NAMES["FXSKS"]),
            2: FakeChannel(ioctls.SIG_NAMES["FXOKS"], law=ioctls.LAW_ALAW, tone_detect=False),
        }
    )


@pytest.fixture
def board(root: Path, fake: FakeChannels) -> Iterator[DahdiBoard]:
    """Yield an opened dahdi board on the fake device."""
    raw = {"root": str(root), "ring_timeout": 0.3}
    card = DahdiBoard("analog", validate(raw, DahdiBoard.SCHEMA, "analog"), fake)
    card.open()
    yield card
    card.close()


def ports(board: DahdiBoard) -> tuple[DahdiPort, DahdiPort]:
    """Return the board's FXO and FXS ports."""
    line, phone = board.ports
    assert isinstance(line, DahdiPort) and isinstance(phone, DahdiPort)
    return line, phone


def test_ioctl_numbers_are_the_headers() -> None:
    """The _IOW/_IOR/_IOWR encodings give the numbers dahdi/user.h gives on Linux."""
    assert ioctls.PARAMS.size == 136 and ioctls.DIAL_OPERATION.size == 260
    assert ioctls.SPECIFY == 0x4004DA26
    assert ioctls.SET_BLOCKSIZE == 0x4004DA01
    assert ioctls.HOOK == 0x4004DA07
    assert ioctls.GETEVENT == 0x8004DA08
    assert ioctls.GET_PARAMS == 0xC088DA05
    assert ioctls.DIAL == 0x4104DA1F


def test_detection_reads_proc_and_sysfs(root: Path) -> None:
    """Spans, channels and their port kinds come from /proc/dahdi; devices from sysfs."""
    (root / "proc" / "dahdi" / "2").write_text(PROC_SPAN_IN_ALARM)
    span1, span2 = detect.spans(root)
    assert (span1.number, span1.name, span1.description, span1.alarms) == (
        1,
        "WCTDM/0",
        "Wildcard TDM410P",
        (),
    )
    assert [(c.number, c.signalling, c.kind) for c in span1.channels] == [
        (1, "FXSKS", PortKind.FXO),
        (2, "FXOKS", PortKind.FXS),
        (3, "", None),
        (4, "", None),
    ]
    assert span2.alarms == ("RED",)
    assert detect.devices(root) == [
        {
            "name": "pci:0000:03:00.0",
            "manufacturer": "Digium",
            "type": "Wildcard TDM410P",
            "hardware_id": "",
            "location": "",
        }
    ]
    assert detect.spans(root / "absent") == []


def test_open_specifies_the_channel_first(
    board: DahdiBoard, fake: FakeChannels, root: Path
) -> None:
    """Each channel: open /dev/dahdi/channel, SPECIFY, 160-byte blocks, GET_PARAMS."""
    assert fake.opened == [str(root / "dev" / "dahdi" / "channel")] * 2
    first = [request for fd, request, _ in fake.calls if fd == 100]
    assert first[:3] == [ioctls.SPECIFY, ioctls.SET_BLOCKSIZE, ioctls.GET_PARAMS]
    assert fake.channels[1].blocksize == 160
    line, phone = ports(board)
    assert (line.kind, phone.kind) == (PortKind.FXO, PortKind.FXS)
    assert (line.audio.format, phone.audio.format) == (audio.ULAW_8K, audio.ALAW_8K)
    assert line.health().details["dtmf"] == "card"
    assert phone.health().details["dtmf"] == "software"
    assert line.params["name"] == "WCTDM/0/1"


def test_incoming_call_on_the_exchange_line(board: DahdiBoard, fake: FakeChannels) -> None:
    """Rings, answer off hook, real frames both ways, a DTMF digit, the far end hangs up."""
    line, _ = ports(board)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(line.events, EventKind.RING)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(line.events, EventKind.RING)
    line.answer()
    assert fake.channels[1].hooks == [ioctls.OFFHOOK]
    assert next_event(line.events, EventKind.ANSWERED)
    tone = struct.pack(
        "<160h", *(int(6000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(160))
    )
    fake.frame(1, audio.from_bridge(tone, audio.ULAW_8K))
    frame = line.audio.read_frame(timeout=2)
    assert frame is not None and len(frame) == 160
    heard = struct.unpack("<160h", audio.to_bridge(frame, line.audio.format))
    assert max(abs(a - b) for a, b in zip(heard, struct.unpack("<160h", tone), strict=True)) < 300
    line.audio.write_frame(frame)
    assert fake.channels[1].written == [frame]
    fake.event(1, ioctls.EVENT_DTMFDOWN | ord("5"))
    fake.event(1, ioctls.EVENT_DTMFUP | ord("5"))
    assert next_event(line.events, EventKind.DTMF).data == {"digit": "5"}
    fake.event(1, ioctls.EVENT_ONHOOK)
    assert next_event(line.events, EventKind.HANGUP).data == {"cause": "normal"}
    assert line.state is CallState.IDLE


def test_outgoing_call_answered_by_polarity_reversal(board: DahdiBoard, fake: FakeChannels) -> None:
    """Dial goes off hook and sends T<number>; the reversal means answered; hangup on hook."""
    line, _ = ports(board)
    line.dial("10086")
    assert fake.channels[1].hooks == [ioctls.OFFHOOK]
    assert fake.channels[1].dialed == [(ioctls.DIAL_OP_APPEND, "T10086")]
    assert line.state is CallState.DIALING
    fake.event(1, ioctls.EVENT_POLARITY)
    assert next_event(line.events, EventKind.POLARITY)
    assert next_event(line.events, EventKind.ANSWERED)
    line.send_dtmf("1#")
    assert fake.channels[1].dialed[-1] == (ioctls.DIAL_OP_APPEND, "T1#")
    line.hangup()
    assert fake.channels[1].hooks == [ioctls.OFFHOOK, ioctls.ONHOOK]
    assert next_event(line.events, EventKind.HANGUP).data == {"cause": "local"}


def test_rings_that_stop_are_an_abandoned_call(board: DahdiBoard, fake: FakeChannels) -> None:
    """No ring for ring_timeout seconds before an answer: the caller left."""
    line, _ = ports(board)
    fake.event(1, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(line.events, EventKind.RING)
    assert next_event(line.events, EventKind.HANGUP).data == {"cause": "abandoned"}
    assert line.state is CallState.IDLE


def test_phone_on_the_fxs_port(board: DahdiBoard, fake: FakeChannels) -> None:
    """Ring the phone, it is lifted (answered), put down (hangup); lifted idle it wants to dial."""
    _, phone = ports(board)
    phone.ring("13800138000")
    assert fake.channels[2].hooks == [ioctls.RING]
    fake.event(2, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(phone.events, EventKind.ANSWERED)
    fake.event(2, ioctls.EVENT_ONHOOK)
    assert next_event(phone.events, EventKind.HANGUP).data == {"cause": "normal"}
    fake.event(2, ioctls.EVENT_RINGOFFHOOK)
    assert next_event(phone.events, EventKind.OFFHOOK)
    assert phone.state is CallState.DIALING
    phone.hangup()
    assert fake.channels[2].hooks[-1] == ioctls.ONHOOK
    phone.ring()
    phone.hangup()  # stops the ringing
    assert fake.channels[2].hooks[-2:] == [ioctls.RING, ioctls.RINGOFF]


def test_wrong_requests_are_refused_clearly(board: DahdiBoard) -> None:
    """Each port refuses what its kind cannot do and bad digits, saying why."""
    line, phone = ports(board)
    with pytest.raises(NotSupported, match="only an FXS port rings a phone"):
        line.ring()
    with pytest.raises(NotSupported, match="a phone on an FXS port dials the box"):
        phone.dial("1")
    with pytest.raises(NotSupported, match="answers by lifting its handset"):
        phone.answer()
    with pytest.raises(PortError, match="cannot answer while idle"):
        line.answer()
    with pytest.raises(PortError, match="0-9, \\*, #, A-D only"):
        line.dial("1; rm")
    with pytest.raises(ValueError, match="160 bytes, got 320"):
        line.audio.write_frame(bytes(320))


def test_alarms_reach_health(board: DahdiBoard, fake: FakeChannels) -> None:
    """A channel alarm event is an alarm event and a health problem until it clears."""
    line, _ = ports(board)
    fake.event(1, ioctls.EVENT_ALARM)
    assert next_event(line.events, EventKind.ALARM).data == {"alarm": "channel", "on": True}
    assert line.health().problems == ("alarm_channel",)
    fake.event(1, ioctls.EVENT_NOALARM)
    assert next_event(line.events, EventKind.ALARM).data == {"alarm": "channel", "on": False}
    assert line.health().ok


def test_channel_removed_mid_call(board: DahdiBoard, fake: FakeChannels) -> None:
    """A channel that fails under a call ends the call and raises the removed alarm."""
    line, _ = ports(board)
    line.dial("1")
    fake.remove(1)
    assert next_event(line.events, EventKind.HANGUP).data == {"cause": "failed"}
    assert next_event(line.events, EventKind.ALARM).data == {"alarm": "removed", "on": True}
    assert line.health().problems == ("alarm_removed",)


def test_red_alarm_at_open_and_a_channel_that_is_not_analog(root: Path) -> None:
    """GET_PARAMS alarms show in health; a clear (digital) channel is refused at open."""
    fake = FakeChannels({1: FakeChannel(ioctls.SIG_NAMES["FXSKS"], alarms=1 << 3)})
    config = validate({"root": str(root), "channels": [1]}, DahdiBoard.SCHEMA, "a")
    card = DahdiBoard("a", config, fake)
    card.open()
    try:
        assert card.health()[0].problems == ("alarm_red",)
    finally:
        card.close()
    fake = FakeChannels({1: FakeChannel(sigtype=1 << 7)})
    card = DahdiBoard("a", config, fake)
    with pytest.raises(PortError, match="channel 1 is not an analog FXO/FXS channel"):
        card.open()
    card.close()


@pytest.mark.parametrize(
    ("channels", "detail"),
    [
        ([3], "channel(s) 3 are not analog channels configured by dahdi_cfg; found: [1, 2]"),
        (["1"], "channels must be a list of channel numbers"),
    ],
)
def test_config_naming_unusable_channels_is_invalid(
    root: Path, channels: list[object], detail: str
) -> None:
    """A channel that is not configured, or not a number, makes the board invalid."""
    [status] = Registry().load(
        [{"name": "analog", "type": "dahdi", "root": str(root), "channels": channels}]
    )
    assert status.state is BoardState.INVALID
    assert detail in status.detail
