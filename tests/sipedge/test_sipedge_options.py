"""The OPTIONS health ping against a scripted UDP peer."""

from __future__ import annotations

import re
import socket
import threading
import time

from appliance.sipedge.options import ping, probe


class FakePeer:
    """A UDP socket on loopback that answers each request with scripted status lines."""

    def __init__(self, replies: list[str], call_id: str | None = None) -> None:
        """Bind to a free port; replies are status lines sent in order to each request."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(2.0)
        self.port = int(self.sock.getsockname()[1])
        self.replies = replies
        self.call_id = call_id
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def __enter__(self) -> FakePeer:
        """Return the running peer."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop serving and close the socket."""
        self.thread.join(timeout=3)
        self.sock.close()

    def _serve(self) -> None:
        """Answer one request."""
        try:
            data, addr = self.sock.recvfrom(65535)
        except OSError:
            return
        self.received.append(data)
        found = re.search(rb"Call-ID: (\S+)", data)
        call_id = self.call_id or (found.group(1).decode() if found else "")
        for status in self.replies:
            self.sock.sendto(f"{status}\r\nCall-ID: {call_id}\r\n\r\n".encode(), addr)


def test_200_is_healthy() -> None:
    """Check that a 200 reply (after a provisional one) counts as healthy."""
    with FakePeer(["SIP/2.0 100 Trying", "SIP/2.0 200 OK"]) as peer:
        assert ping("127.0.0.1", peer.port, timeout=1.0) is True
    request = peer.received[0].decode()
    assert request.startswith(f"OPTIONS sip:127.0.0.1:{peer.port} SIP/2.0\r\n")
    assert "\r\nCSeq: 1 OPTIONS\r\n" in request


def test_error_reply_is_unhealthy() -> None:
    """Check that a final non-200 reply is not healthy."""
    with FakePeer(["SIP/2.0 404 Not Found"]) as peer:
        assert ping("127.0.0.1", peer.port, timeout=1.0) is False


def test_reply_to_another_call_is_ignored() -> None:
    """Check that a 200 for a different Call-ID does not count."""
    with FakePeer(["SIP/2.0 200 OK"], call_id="someone-else") as peer:
        started = time.monotonic()
        assert ping("127.0.0.1", peer.port, timeout=0.3) is False
        assert time.monotonic() - started < 1.0


def test_nothing_listening_is_unhealthy_fast() -> None:
    """Check that a closed port gives false without waiting for the whole timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    assert ping("127.0.0.1", port, timeout=2.0) is False
    assert time.monotonic() - started < 1.0


def test_probe_returns_any_final_code_a_carrier_answers_with() -> None:
    """A carrier's 405 to OPTIONS proves it is up: probe returns the code, ping says no."""
    with FakePeer(["SIP/2.0 100 Trying", "SIP/2.0 405 Method Not Allowed"]) as peer:
        assert probe("127.0.0.1", peer.port, timeout=1.0) == 405


def test_probe_returns_none_for_silence_and_for_garbage() -> None:
    """No answer, or a datagram that is not a SIP status line, is no answer."""
    with FakePeer([]) as silent:
        assert probe("127.0.0.1", silent.port, timeout=0.3) is None
    with FakePeer(["HTTP/1.1 200 OK"]) as confused:
        assert probe("127.0.0.1", confused.port, timeout=0.3) is None
