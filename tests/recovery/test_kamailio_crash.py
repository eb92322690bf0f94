"""kill -9 of Kamailio: its restart keeps the phones' registrations (usrloc in its database)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psutil
import pytest
from boxharness import running_box, wait_for

from appliance.sipedge.registrations import registered

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

MENU_MS = 2200


def test_registration_survives_kill_of_kamailio(tmp_path: Path, prompts: Path) -> None:
    """After kill -9 and a restart, a call reaches the agent's phone, which never re-registered."""
    with running_box(tmp_path, prompts) as box, box.agent("1001", talk_ms=1500) as phone:
        before = wait_for(lambda: registered(box.settings).get("1001"), 5, "the location row")
        time.sleep(1.2)  # usrloc writes back every second: a REGISTER this fresh could be lost
        assert box.kamailio is not None
        workers = psutil.Process(box.kamailio.pid).children(recursive=True)
        box.kamailio.send_signal(signal.SIGKILL)
        for worker in workers:  # what the supervisor does: the workers would keep the port
            worker.kill()
        box.kamailio.wait(5)
        psutil.wait_procs(workers, timeout=5)  # gone, and the port with them
        began = time.monotonic()
        box.start_kamailio()
        ready = time.monotonic() - began
        assert registered(box.settings)["1001"].contact == before.contact
        sipp = box.sipp("caller_hold_bye", menu_ms=MENU_MS)
        assert sipp.returncode == 0, sipp.stdout[-2000:] + box.log_tail("engine")
        phone.read_until("disconnected")
        registrations = [line for line in phone.lines if line["event"] == "registered"]
    cdr = box.wait_cdr()
    assert (cdr["outcome"], cdr["agent"]) == ("answered", "1001")
    assert len(registrations) == 1, registrations  # the first REGISTER only: none after the kill
    assert ready < 5, ready
