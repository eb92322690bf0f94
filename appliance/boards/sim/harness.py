"""The sim board's far side over a unix socket: one JSON object a line, each answered.

Requests (`port` is "board/line" or the line number)::

    {"cmd": "ring", "port": "1", "number": "13800138000", "name": ""}   (no number: no caller ID)
    {"cmd": "dtmf", "port": "1", "digits": "2"}
    {"cmd": "play", "port": "1", "tone_hz": 1000, "seconds": 2.0, "level": 0.3}
    {"cmd": "play", "port": "1", "pcm": "<base64 16-bit 8 kHz mono>"}
    {"cmd": "play", "port": "1", "wav": "/path/to/8k-16bit-mono.wav"}
    {"cmd": "silence", "port": "1"}
    {"cmd": "heard", "port": "1"}      -> {"pcm": base64 of what the box said since last asked}
    {"cmd": "actions", "port": "1"}    -> {"actions": [{"action": "answered"|"hung_up"|
                                           "dialled"|"dtmf"|"ringing", ...}], what it did}
    {"cmd": "answer", "port": "1"}     (a call the box placed)
    {"cmd": "lift", "port": "3"}       (an FXS phone: answers its ringing, or goes off hook)
    {"cmd": "hangup", "port": "1", "cause": "normal"}
    {"cmd": "state", "port": "1"}      -> {"state": "idle"|"ringing"|"dialing"|"active"}

Answers: {"ok": true, ...} or {"ok": false, "error": "…"}; a bad request never stops
the server. The socket is made 0600 in a folder the box owns.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import math
import os
import socket
import struct
import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance.boards.exceptions import BoardError

if TYPE_CHECKING:
    from appliance.boards.drivers.sim import SimBoard
    from appliance.boards.sim.port import SimPort

log = logging.getLogger(__name__)
MAX_LINE = 4 * 1024 * 1024  # a request (60 s of base64 PCM fits)
MAX_CLIENTS = 8


def tone(hz: float, seconds: float, level: float = 0.3) -> bytes:
    """Return a sine of hz as 8 kHz 16-bit PCM."""
    if not 0 < hz < 4000 or not 0 < seconds <= 60 or not 0 < level <= 1:
        raise ValueError("tone: 0 < tone_hz < 4000, 0 < seconds <= 60, 0 < level <= 1")
    count = int(seconds * 8000)
    amp = 32767 * level
    return struct.pack(
        f"<{count}h", *(int(amp * math.sin(2 * math.pi * hz * i / 8000)) for i in range(count))
    )


def wav_pcm(path: Path) -> bytes:
    """Return a WAV's samples, which must be 8 kHz 16-bit mono."""
    with wave.open(str(path), "rb") as w:
        if (w.getframerate(), w.getsampwidth(), w.getnchannels()) != (8000, 2, 1):
            raise ValueError(f"{path}: an 8 kHz 16-bit mono WAV is needed")
        return w.readframes(w.getnframes())


class HarnessServer:
    """Serve the far side of a sim board's lines on a unix socket."""

    def __init__(self, path: Path, board: SimBoard) -> None:
        """Serve board at path (not yet listening)."""
        self.path = path
        self.board = board
        self._sock: socket.socket | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Listen and accept clients on a thread."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        os.chmod(self.path, 0o600)
        sock.listen(MAX_CLIENTS)
        sock.settimeout(0.2)
        self._sock = sock
        threading.Thread(target=self._accept, name=f"sim-{self.board.name}", daemon=True).start()

    def stop(self) -> None:
        """Stop accepting and remove the socket."""
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept(self) -> None:
        """Accept clients until stopped."""
        while not self._stop.is_set() and self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        """Answer one client's requests, a line each."""
        with conn, conn.makefile("rb") as reader:
            while not self._stop.is_set():
                line = reader.readline(MAX_LINE + 1)
                if not line:
                    return
                if len(line) > MAX_LINE:
                    conn.sendall(b'{"ok": false, "error": "request too long"}\n')
                    return
                conn.sendall(json.dumps(self.handle(line)).encode() + b"\n")

    def handle(self, line: bytes) -> dict[str, Any]:
        """Return the answer to one request line."""
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
            return {"ok": True, **self._do(request)}
        except (ValueError, KeyError, TypeError, BoardError, OSError, wave.Error) as error:
            return {"ok": False, "error": f"{type(error).__name__}: {error}"}

    def _do(self, request: dict[str, Any]) -> dict[str, Any]:
        """Carry out one request."""
        cmd = request.get("cmd")
        port = self._port(request)
        if cmd == "ring":
            port.far_ring(str(request.get("number", "")), str(request.get("name", "")))
        elif cmd == "dtmf":
            port.far_dtmf(str(request["digits"]))
        elif cmd == "play":
            return {"frames": port.sim_audio.play(self._pcm(request))}
        elif cmd == "silence":
            port.sim_audio.silence()
        elif cmd == "heard":
            return {"pcm": base64.b64encode(port.sim_audio.take_heard()).decode()}
        elif cmd == "actions":
            return {"actions": port.take_actions()}
        elif cmd == "answer":
            port.far_answer()
        elif cmd == "lift":
            port.far_lift()
        elif cmd == "hangup":
            port.far_hangup(str(request.get("cause", "normal")))
        elif cmd == "state":
            return {"state": port.state.value}
        else:
            raise ValueError(f"unknown cmd {cmd!r}")
        return {}

    def _port(self, request: dict[str, Any]) -> SimPort:
        """Return the port a request names (KeyError naming the lines otherwise)."""
        name = str(request.get("port", ""))
        try:
            return self.board.sim_port(name)
        except KeyError:
            lines = ", ".join(p.name for p in self.board.ports)
            raise KeyError(f"no port {name!r} on board {self.board.name} ({lines})") from None

    @staticmethod
    def _pcm(request: dict[str, Any]) -> bytes:
        """Return the audio a play request gives: base64 PCM, a tone or a WAV file."""
        if "pcm" in request:
            return base64.b64decode(str(request["pcm"]), validate=True)
        if "tone_hz" in request:
            seconds = float(request.get("seconds", 1.0))
            return tone(float(request["tone_hz"]), seconds, float(request.get("level", 0.3)))
        if "wav" in request:
            return wav_pcm(Path(str(request["wav"])))
        raise ValueError("play needs pcm, tone_hz or wav")


class HarnessClient:
    """A test's or a demo's end of the harness socket."""

    def __init__(self, path: Path | str, timeout: float = 5.0) -> None:
        """Connect to a running harness."""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(path))
        self._reader = self.sock.makefile("rb")

    def call(self, cmd: str, **args: Any) -> dict[str, Any]:
        """Send one request and return its answer (BoardError if it was refused)."""
        self.sock.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
        line = self._reader.readline()
        if not line:
            raise BoardError("the sim harness closed the connection")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            raise BoardError(str(answer.get("error")))
        return answer

    def heard(self, port: str) -> bytes:
        """Return the PCM the box said on a line since the last time."""
        return base64.b64decode(self.call("heard", port=port)["pcm"])

    def close(self) -> None:
        """Disconnect."""
        self._reader.close()
        self.sock.close()
