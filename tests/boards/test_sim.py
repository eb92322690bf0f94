"""The sim board: its lines through the registry, and its far side over the harness socket."""

from __future__ import annotations

import array
import base64
import queue
import socket
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.boards.base import PortEvent
from appliance.boards.callerid.receiver import CallerIdReceiver
from appliance.boards.const import BoardState, CallState, EventKind
from appliance.boards.drivers.sim import SimBoard
from appliance.boards.exceptions import BoardError, PortError
from appliance.boards.registry import Registry
from appliance.boards.sim.harness import HarnessClient, tone
from appliance.boards.sim.port import SimPort


@pytest.fixture
def sock() -> Iterator[Path]:
    """Return a short unix socket path (removed after)."""
    with tempfile.TemporaryDirectory(prefix="sim") as folder:
        yield Path(folder) / "sim.sock"


@pytest.fixture
def board(sock: Path) -> Iterator[SimBoard]:
    """Yield a two-line sim board started by the registry, its harness listening."""
    registry = Registry()
    [status] = registry.load([{"name": "sim", "type": "sim", "ports": 2, "socket": str(sock)}])
    assert status.state is BoardState.READY, status.detail
    sim = registry.boards["sim"]
    assert isinstance(sim, SimBoard)
    yield sim
    registry.close()
    assert not sock.exists()


@pytest.fixture
def far(board: SimBoard, sock: Path) -> Iterator[HarnessClient]:
    """Yield a harness client of the board."""
    client = HarnessClient(sock)
    yield client
    client.close()


def events_of(port: SimPort) -> list[PortEvent]:
    """Return the events queued on a port so far."""
    found = []
    while True:
        try:
            found.append(port.events.get_nowait())
        except queue.Empty:
            return found


def test_a_call_in_rung_from_the_far_side(board: SimBoard, far: HarnessClient) -> None:
    line = board.sim_port("1")
    assert [p.name for p in board.ports] == ["sim/1", "sim/2"]
    far.call("ring", port="1", number="13800138000", name="Ann")
    assert line.state is CallState.RINGING
    got = events_of(line)
    assert [e.kind for e in got] == [EventKind.RING, EventKind.CALLER_ID]
    assert got[1].data == {"number": "13800138000", "name": "Ann"}
    line.answer()
    far.call("dtmf", port="sim/1", digits="2#")
    assert [(e.kind, e.data) for e in events_of(line)] == [
        (EventKind.DTMF, {"digit": "2"}), (EventKind.DTMF, {"digit": "#"})]  # fmt: skip
    line.send_dtmf("5")
    line.hangup()
    assert [a["action"] for a in far.call("actions", port="1")["actions"]] == [
        "answered", "dtmf", "hung_up"]  # fmt: skip
    assert far.call("state", port="1")["state"] == "idle"
    with pytest.raises(BoardError, match="no call to hang up"):
        far.call("hangup", port="1")


def test_a_call_out_answered_then_hung_up_by_the_far_side(
    board: SimBoard, far: HarnessClient
) -> None:
    line = board.sim_port("2")
    line.dial("13900139000")
    [dialled] = far.call("actions", port="2")["actions"]
    assert (dialled["action"], dialled["number"]) == ("dialled", "13900139000")
    assert far.call("state", port="2")["state"] == "dialing"
    far.call("answer", port="2")
    far.call("hangup", port="2", cause="normal")
    assert [(e.kind, e.data) for e in events_of(line)] == [
        (EventKind.ANSWERED, {}), (EventKind.HANGUP, {"cause": "normal"})]  # fmt: skip
    line.dial("123")
    far.call("hangup", port="2", cause="busy")
    assert events_of(line)[-1].data == {"cause": "busy"}


def test_audio_is_paced_both_ways(board: SimBoard, far: HarnessClient) -> None:
    audio = board.sim_port("1").sim_audio
    assert far.call("play", port="1", tone_hz=600, seconds=0.2)["frames"] == 10
    first = audio.read_frame(0)
    assert first is not None and len(first) == 320
    assert audio.read_frame(0) is None  # the next frame is due 20 ms later
    time.sleep(0.1)
    late = [audio.read_frame(0) for _ in range(10)]
    assert 4 <= sum(f is not None for f in late) <= 6  # only what real time allows
    audio.write_frame(first)
    audio.write_frame(bytes(320))
    assert far.heard("1") == first + bytes(320)
    assert far.heard("1") == b""  # taken once
    pcm = tone(1000, 0.02)
    far.call("silence", port="1")
    far.call("play", port="1", pcm=base64.b64encode(pcm).decode())
    assert audio.read_frame(0) == pcm


def test_a_wav_is_played(board: SimBoard, far: HarnessClient, tmp_path: Path) -> None:
    path = tmp_path / "t.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(tone(400, 0.05))
    assert far.call("play", port="1", wav=str(path))["frames"] == 3  # 2.5 frames, padded
    bad = tmp_path / "stereo.wav"
    with wave.open(str(bad), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(bytes(640))
    with pytest.raises(BoardError, match="8 kHz 16-bit mono"):
        far.call("play", port="1", wav=str(bad))
    with pytest.raises(BoardError, match="FileNotFoundError"):
        far.call("play", port="1", wav=str(tmp_path / "none.wav"))


@pytest.mark.parametrize(
    ("request_args", "message"),
    [
        ({"cmd": "fly", "port": "1"}, "unknown cmd"),
        ({"cmd": "ring", "port": "7", "number": "1"}, "no port '7' on board sim"),
        ({"cmd": "hangup", "port": "1"}, "no call to hang up"),
        ({"cmd": "dtmf", "port": "1", "digits": "2"}, "no call to press keys on"),
        ({"cmd": "answer", "port": "1"}, "is idle: cannot answer"),
        ({"cmd": "play", "port": "1"}, "play needs pcm, tone_hz or wav"),
        ({"cmd": "play", "port": "1", "tone_hz": 5000}, "0 < tone_hz < 4000"),
        ({"cmd": "play", "port": "1", "pcm": "abc"}, "Error"),
        ({"cmd": "play", "port": "1", "pcm": "AA=="}, "even number of bytes"),
        ({"cmd": "play", "port": "1", "tone_hz": 500, "seconds": 59}, "Error"),
    ],
)
def test_bad_requests_are_answered_and_change_nothing(
    board: SimBoard, far: HarnessClient, request_args: dict[str, object], message: str
) -> None:
    if request_args.get("seconds") == 59:  # 59 s fits, a second 59 s does not
        far.call("play", port="1", tone_hz=500, seconds=59)
        message = "more than 60 s of audio queued"
    cmd = str(request_args.pop("cmd"))
    with pytest.raises(BoardError, match=message):
        far.call(cmd, **request_args)
    assert far.call("state", port="1")["state"] == "idle"


def test_garbage_on_the_socket_is_answered(board: SimBoard, sock: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.settimeout(5)
        raw.connect(str(sock))
        raw.sendall(b"not json\n[1]\n")
        reader = raw.makefile("rb")
        assert b'"ok": false' in reader.readline()
        assert b"a request is a JSON object" in reader.readline()


def test_the_box_side_refuses_what_the_line_cannot_do(board: SimBoard) -> None:
    line = board.sim_port("1")
    with pytest.raises(PortError, match="is idle: cannot answer"):
        line.answer()
    with pytest.raises(PortError, match="cannot dial"):
        line.dial("12; rm")
    with pytest.raises(PortError, match="no call to send DTMF on"):
        line.send_dtmf("1")
    line.hangup()  # an idle line: nothing to do, no error
    assert line.take_actions() == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"ports": 0}, "ports must be at least 1"),
        ({"ports": 65}, "ports must be at most 64"),
        ({"ports": "2"}, "ports must be int"),
        ({"colour": "red"}, "unknown key"),
        ({"numbers": "100"}, "numbers must be a list of inbound numbers"),
        ({"numbers": [""]}, "numbers must be a list of inbound numbers"),
        ({"fxs": -1}, "fxs must be at least 0"),
    ],
)
def test_bad_configs_are_reported(config: dict[str, object], message: str) -> None:
    [status] = Registry().load([{"name": "sim", "type": "sim", **config}])
    assert status.state is BoardState.INVALID and message in status.detail, status.detail


def test_a_sim_board_without_a_socket_runs_in_process() -> None:
    registry = Registry()
    [status] = registry.load([{"name": "demo", "type": "sim", "numbers": ["100"]}])
    board = registry.boards["demo"]
    assert status.state is BoardState.READY and isinstance(board, SimBoard)
    assert board.harness is None and [h.ok for h in status.health] == [True]
    board.sim_port("1").far_ring("")
    assert [e.kind for e in events_of(board.sim_port("1"))] == [EventKind.RING]  # no caller ID
    registry.close()  # closing hangs up the line
    assert board.sim_port("1").state is CallState.IDLE
    samples = array.array("h", tone(1000, 0.01))
    assert max(samples) > 9000


def test_fxs_phones_ring_with_caller_id_lift_dial_and_hang_up(sock: Path) -> None:
    """A sim board's FXS phone: rung with a caller ID it hears as FSK, lifted (answered),
    put down; lifted idle it goes off hook and presses keys; it refuses line requests."""
    registry = Registry()
    raw = {"name": "sim", "type": "sim", "ports": 1, "fxs": 1, "socket": str(sock)}
    [status] = registry.load([raw])
    assert status.state is BoardState.READY, status.detail
    board = registry.boards["sim"]
    assert isinstance(board, SimBoard)
    phone = board.sim_port("2")
    far = HarnessClient(sock)
    try:
        assert [p.kind.value for p in board.ports] == ["fxo", "fxs"]
        phone.ring("13800138000", "Zhang Wei")
        assert far.call("state", port="2")["state"] == "ringing"
        receiver = CallerIdReceiver("bell")
        heard = far.heard("2")
        found = [receiver.feed_pcm(heard[i : i + 320]) for i in range(0, len(heard), 320)]
        assert [(c.number, c.name) for c in found if c] == [("13800138000", "Zhang Wei")]
        far.call("lift", port="2")
        assert [e.kind for e in events_of(phone)] == [EventKind.ANSWERED]
        far.call("hangup", port="2")
        assert [e.kind for e in events_of(phone)] == [EventKind.HANGUP]
        far.call("lift", port="2")
        assert phone.state is CallState.DIALING
        far.call("dtmf", port="2", digits="205#")
        events = events_of(phone)
        assert [e.kind for e in events] == [EventKind.OFFHOOK] + [EventKind.DTMF] * 4
        assert "".join(e.data["digit"] for e in events[1:]) == "205#"
        with pytest.raises(BoardError, match="already off hook"):
            far.call("lift", port="2")
        with pytest.raises(BoardError, match="is a phone"):
            far.call("ring", port="2", number="1")
        with pytest.raises(BoardError, match="is a line, not a phone"):
            far.call("lift", port="1")
        with pytest.raises(PortError, match="lifting its handset"):
            phone.answer()
        with pytest.raises(PortError, match="dials the box"):
            phone.dial("1")
        with pytest.raises(PortError, match="only an FXS port"):
            board.sim_port("1").ring("1")
        phone.hangup()
        assert [a["action"] for a in phone.take_actions()] == ["ringing", "hung_up"]
    finally:
        far.close()
        registry.close()


@pytest.mark.parametrize("shown", ["v23", "dtmf"])
def test_a_sim_phone_shown_callers_as_v23_or_dtmf(shown: str) -> None:
    """phone_caller_id picks what the sim phone hears: V.23 FSK or DTMF A<number>C."""
    registry = Registry()
    raw = {"name": "s", "type": "sim", "ports": 1, "fxs": 1, "phone_caller_id": shown}
    [status] = registry.load([raw])
    assert status.state is BoardState.READY, status.detail
    try:
        board = registry.boards["s"]
        assert isinstance(board, SimBoard)
        phone = board.sim_port("2")
        phone.ring("075586001234")
        heard = phone.sim_audio.take_heard()
        receiver = CallerIdReceiver(shown)
        found = [receiver.feed_pcm(heard[i : i + 320]) for i in range(0, len(heard), 320)]
        assert [c.number for c in found if c] == ["075586001234"]
    finally:
        registry.close()
