"""Ping a SIP server with one OPTIONS request over UDP (the SIP edge's health check)."""

from __future__ import annotations

import secrets
import socket
import time

OK = 200


def ping(host: str, port: int, timeout: float = 1.0, source: str = "") -> bool:
    """Return true if host:port answers an OPTIONS with SIP/2.0 200 within timeout seconds."""
    return probe(host, port, timeout, source) == OK


def probe(
    host: str, port: int, timeout: float = 1.0, source: str = "", target: str = ""
) -> int | None:
    """Return the final status code host:port answers an OPTIONS with; None if none came.

    Any final answer (200, or a carrier's 403/405) proves the far end is up; None means
    silence or an ICMP refusal within timeout seconds.  target is the request's
    `sip:` address when it is not host:port itself (a box behind a forwarded port).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.bind((source, 0))
            sock.connect((host, port))
            call_id = secrets.token_hex(8) + "@callbox"
            local_host, local_port = sock.getsockname()[:2]
            where = target or _host_port(host, port)
            sock.send(_request(where, _host_port(local_host, local_port), call_id))
            return _await_final(sock, call_id, timeout)
    except OSError:
        return None


def _request(target: str, local: str, call_id: str) -> bytes:
    """Return a minimal OPTIONS request for sip:target that passes Kamailio's sanity checks."""
    lines = [
        f"OPTIONS sip:{target} SIP/2.0",
        f"Via: SIP/2.0/UDP {local};branch=z9hG4bK{secrets.token_hex(8)};rport",
        "Max-Forwards: 70",
        f"From: <sip:health@{local}>;tag={secrets.token_hex(4)}",
        f"To: <sip:{target}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        "User-Agent: callbox-health",
        "Accept: application/sdp",
        "Content-Length: 0",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _await_final(sock: socket.socket, call_id: str, timeout: float) -> int | None:
    """Return the code of the first final reply for call_id; None on timeout or refusal."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data = sock.recv(65535)
        except (TimeoutError, ConnectionRefusedError):
            return None
        if call_id.encode("ascii") not in data:
            continue  # a stray datagram, not our reply
        code = _status(data)
        if code is not None and code >= 200:
            return code
    return None


def _status(data: bytes) -> int | None:
    """Return the status code of a SIP response's first line (None if it is not one)."""
    parts = data.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(parts) < 2 or parts[0] != b"SIP/2.0" or not parts[1].isdigit():
        return None
    return int(parts[1])


def _host_port(host: str, port: int) -> str:
    """Return host:port, bracketing an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
