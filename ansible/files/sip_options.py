#!/usr/bin/env python3
"""Send one SIP OPTIONS over UDP and exit 0 if a 200 answers (validate.yml).

    sip_options.py HOST PORT [TIMEOUT_SECONDS]

Standard library only: it runs on the host being checked, before or without callbox.
"""

from __future__ import annotations

import random
import socket
import sys


def options_request(host: str, port: int, local_port: int, call_id: str) -> bytes:
    """Return an OPTIONS request to host:port from our local_port."""
    branch = f"z9hG4bK{random.getrandbits(48):x}"
    lines = [
        f"OPTIONS sip:{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:validate@127.0.0.1>;tag={random.getrandbits(32):x}",
        f"To: <sip:{host}:{port}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        "User-Agent: callbox-validate",
        "Content-Length: 0",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def main(argv: list[str]) -> int:
    """Ask once, wait for the answer to our Call-ID; print the status line."""
    host, port = argv[1], int(argv[2])
    timeout = float(argv[3]) if len(argv) > 3 else 3.0
    call_id = f"{random.getrandbits(64):x}@callbox-validate"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.bind(("0.0.0.0", 0))
        sock.sendto(options_request(host, port, sock.getsockname()[1], call_id), (host, port))
        try:
            while True:
                reply = sock.recv(65535).decode(errors="replace")
                if call_id in reply:
                    break
        except TimeoutError:
            print(f"no answer to SIP OPTIONS from {host}:{port} in {timeout:g} s")
            return 1
    status = reply.split("\r\n", 1)[0]
    print(status)
    return 0 if status.startswith("SIP/2.0 200") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
