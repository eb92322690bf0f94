"""kill -9 of each service during a SIPp load, under `callbox run`: nothing acknowledged is lost.

One box for the module (starting it costs most of the time); per service a bounded load
(3 calls/s for 8 s, each caller listening 1.5 s then hanging up), a kill -9 two seconds
in, and then: every event the engine had published is in the store, every call SIPp
completed has its CDR (cut by an engine kill: `interrupted`), and the service is healthy
again within the time README states.  `bench/recovery.py` runs the same several times.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kill_load import SERVICES, CallerLoad, EventTap, SupervisedBox

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

RATE, CALLS, HOLD_MS = 3.0, 24, 1500
KILL_AFTER = 2.0
# Healthy again within (seconds; README "Crash recovery" has the measured figures).
LIMITS = {"engine": 10.0, "kamailio": 5.0, "web": 10.0, "scheduler": 10.0}


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupervisedBox]:
    """Return `callbox run` with every service healthy."""
    running = SupervisedBox(tmp_path_factory.mktemp("killbox") / "var")
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("service", SERVICES)
def test_kill_during_load_loses_nothing(box: SupervisedBox, service: str, tmp_path: Path) -> None:
    """kill -9 one service under load: events kept, completed calls have CDRs, healthy again."""
    tap = EventTap(box)
    load = CallerLoad(box, tmp_path, RATE, CALLS, HOLD_MS)
    time.sleep(KILL_AFTER)
    seconds = box.kill_and_time(service)
    load.wait()
    completed = load.completed()
    time.sleep(1.0)  # the last CDRs reach the store
    cdrs = box.cdrs()
    missing = [number for number in completed if number not in cdrs]
    assert not missing, f"completed calls without a CDR: {missing}"
    lost = tap.keys() - box.stored_events()
    assert not lost, f"published events not in the store: {sorted(lost)[:5]}"
    assert len(tap.events) > 10  # the tap did see the load
    if service == "engine":
        outcomes = {cdrs[n]["outcome"] for n in completed}
        assert outcomes <= {"abandoned", "interrupted"}, outcomes
        assert any(c["outcome"] == "interrupted" for c in cdrs.values())  # calls it cut
    else:
        assert len(completed) == CALLS, (len(completed), box.log_tail())
        assert {cdrs[n]["outcome"] for n in completed} == {"abandoned"}
    print(f"{service}: healthy {seconds:.2f} s after kill -9; {len(completed)}/{CALLS} completed")
    assert seconds < LIMITS[service], seconds
