"""The appliance image boots in QEMU (TCG) and works: systemd running with no failed unit,
every callbox unit active, /healthz, Kamailio's OPTIONS and a call to the IVR number on the
carrier trunk port — all through ports QEMU forwards from 127.0.0.1.

Run by `make image-test` (marker `image`, left out of the normal run); conftest.py boots
the box once for the module.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from boxharness import free_port
from helpers_image import BOOT_TIMEOUT, IVR_NUMBER, BootedBox

from appliance.sipedge.options import probe

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


def test_validate_playbook_passes_on_the_booted_box(box: BootedBox) -> None:
    """ansible/validate.yml, run by the box on itself at boot (the boot report), passes."""
    assert box.report.validate[:1] == ["ok"], "\n".join(box.report.validate) + box.vm.tail()


def test_kamailio_answers_options_through_the_forwarded_port(box: BootedBox) -> None:
    """An OPTIONS to the SIP edge itself (its address in the Request-URI) gets 200."""
    assert box.report.addresses, box.vm.tail()
    guest = f"{box.report.addresses[0]}:{box.settings.sip.port}"
    deadline = time.monotonic() + SERVICE_WAIT
    code = None
    while code != 200 and time.monotonic() < deadline:
        with box.vm.in_namespace():
            code = probe("127.0.0.1", box.sip_port, 5.0, "127.0.0.1", target=guest)
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
