"""The appliance image boots in QEMU (TCG) and works: systemd running with no failed unit,
every callbox unit active, /healthz, Kamailio's OPTIONS and a call to the IVR number on the
carrier trunk port — all through ports QEMU forwards from 127.0.0.1.

Run by `make image-test` (marker `image`, left out of the normal run); conftest.py boots
the box once for the module.
"""

from __future__ import annotations

import json
import secrets
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from boxharness import free_port
from helpers_image import BOOT_TIMEOUT, IVR_NUMBER, BootedBox

pytestmark = [pytest.mark.image, pytest.mark.timeout(BOOT_TIMEOUT + 300)]

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
# The processes of the box (DESIGN.md section 1): each must be a callbox unit of its own.
SERVICES = ("engine", "web", "scheduler", "watchdog", "kamailio")
SERVICE_WAIT = 120.0  # after the boot report: a service still settling gets this long


def test_systemd_reaches_running_with_no_failed_unit(box: BootedBox) -> None:
    """`systemctl is-system-running --wait` said running, and no unit failed."""
    assert box.report.state == "running", box.vm.tail()
    assert box.report.failed == [], box.vm.tail()


def test_every_callbox_unit_is_active(box: BootedBox) -> None:
    """Every enabled callbox service runs; a one-shot one (first boot) ran and succeeded."""
    units = box.report.units
    for service in SERVICES:
        assert any(service in name for name in units), f"no callbox unit for {service}: {units}"
    for name, props in units.items():
        assert props.get("Result") == "success", f"{name}: {props}"
        if props.get("UnitFileState") != "enabled":
            continue
        if props.get("Type") == "oneshot":
            assert props.get("ActiveState") in ("active", "inactive"), f"{name}: {props}"
        else:
            assert (props.get("ActiveState"), props.get("SubState")) == ("active", "running"), (
                f"{name}: {props}"
            )


def test_healthz_answers_through_the_forwarded_port(box: BootedBox) -> None:
    """GET /healthz on the web port answers 200 with every service of the box ok."""
    scheme = "https" if box.settings.web_https else "http"
    url = f"{scheme}://127.0.0.1:{box.web_port}/healthz"
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the box's own self-signed certificate
    deadline = time.monotonic() + SERVICE_WAIT
    last: object = None
    while time.monotonic() < deadline:
        try:
            with (
                box.vm.in_namespace(),
                urllib.request.urlopen(url, timeout=10, context=context) as response,
            ):
                body = json.loads(response.read())
                last = (response.status, body)
                if body.get("status") == "ok":
                    break
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
        time.sleep(2)
    assert isinstance(last, tuple), f"{url}: {last}"
    status, body = last
    assert status == 200, json.dumps(body)
    assert body["status"] == "ok", json.dumps(body)


def test_kamailio_answers_options_through_the_forwarded_port(box: BootedBox) -> None:
    """An OPTIONS to the SIP edge itself (its address in the Request-URI) gets 200."""
    assert box.report.addresses, box.vm.tail()
    guest = f"{box.report.addresses[0]}:{box.settings.sip.port}"
    deadline = time.monotonic() + SERVICE_WAIT
    code = None
    while code != 200 and time.monotonic() < deadline:
        with box.vm.in_namespace():
            code = options(box.sip_port, guest)
        if code != 200:
            time.sleep(1)
    assert code == 200, f"OPTIONS sip:{guest} answered {code}"


def test_ivr_number_answers_a_call_on_the_trunk_port(box: BootedBox, tmp_path: Path) -> None:
    """A carrier's call to the IVR number (from the zero-touch profile) is answered, 200 OK."""
    errors = tmp_path / "sipp-errors.log"
    command = [
        "sipp", f"127.0.0.1:{box.trunk_port}", "-sf", str(SCENARIOS / "ivr_call.xml"),
        "-s", IVR_NUMBER, "-key", "caller", "13800138000",
        "-i", "127.0.0.1", "-p", str(box.caller_port), "-mp", str(free_port()),
        "-m", "1", "-l", "1", "-nostdin", "-timeout", "30s", "-timeout_error",
        "-trace_err", "-error_file", str(errors),
    ]  # fmt: skip
    result = subprocess.run(
        box.vm.namespaced(command), capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    detail = errors.read_text(errors="replace") if errors.exists() else result.stdout[-2000:]
    assert result.returncode == 0, f"SIPp exit {result.returncode}: {detail}{box.vm.tail()}"


def options(port: int, target: str, timeout: float = 5.0) -> int | None:
    """Send one OPTIONS for sip:target to 127.0.0.1:port; return the final code or None."""
    call_id = secrets.token_hex(8) + "@image-test"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.connect(("127.0.0.1", port))
        local = "{}:{}".format(*sock.getsockname())
        lines = [
            f"OPTIONS sip:{target} SIP/2.0",
            f"Via: SIP/2.0/UDP {local};branch=z9hG4bK{secrets.token_hex(8)};rport",
            "Max-Forwards: 70",
            f"From: <sip:image-test@{local}>;tag={secrets.token_hex(4)}",
            f"To: <sip:{target}>",
            f"Call-ID: {call_id}",
            "CSeq: 1 OPTIONS",
            "User-Agent: callbox-image-test",
            "Content-Length: 0",
        ]
        sock.send(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                data = sock.recv(65535)
            except (TimeoutError, ConnectionRefusedError):
                return None
            first = data.split(b"\r\n", 1)[0].split(b" ")
            if call_id.encode() in data and len(first) > 1 and first[1].isdigit():
                code = int(first[1])
                if code >= 200:
                    return code
    return None
