"""IP-peer trunks' reachability from OPTIONS (engine.trunk_qualify_seconds), against SIPp.

A box of its own: the qualify probes are on here, and a SIPp carrier that answers them
comes and goes (the other trunk tests keep probes off: their carriers expect an INVITE).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from boxharness import free_port, running_box, wait_for
from test_e2e_trunks import add_route, carrier, trunk, trunk_events

from appliance.store.models import Trunk

pytestmark = pytest.mark.e2e


def test_an_ip_peer_that_stops_answering_options_is_passed_over_until_it_answers_again(
    tmp_path: Path, prompts: Path
) -> None:
    """A peer that answered OPTIONS and went silent is unreachable: calls out skip it at once."""
    with running_box(tmp_path, prompts, CALLBOX_ENGINE__TRUNK_QUALIFY_SECONDS="0.4") as box:
        port = free_port()
        with carrier(box, "trunk_options", port, calls=2) as (far, trace):
            Trunk.create(name="carrier-flaky", kind="peer", host="127.0.0.1", port=port)
            add_route(box, "flaky", "7", ["carrier-flaky"])
            assert far.wait(10) == 0  # it answered two probes, then it is gone
        assert "OPTIONS sip:127.0.0.1:" in trace.read_text()
        found = lambda: (r := trunk(box, "carrier-flaky")["reachability"]) and r  # noqa: E731
        wait_for(lambda: found() and found()["state"] == "unreachable", 10, "unreachable")
        events = trunk_events(box, "carrier-flaky", at_least=2)
        assert [e["kind"] for e in events][:2] == ["trunk.reachable", "trunk.unreachable"]
        assert events[0]["data"]["code"] == 200
        started = time.monotonic()
        with box.agent("1001", call="701012345678") as phone:
            phone.read_until("disconnected", 10)
        assert time.monotonic() - started < 8  # not the 32 s an INVITE to nobody would take
        call_id = wait_for(lambda: [c for c in box.cdrs() if c["to_number"] == "701012345678"],
                           15, "the CDR")[-1]["call_id"]  # fmt: skip
        kinds = [e["kind"] for e in box.events(call_id)]
        assert "outbound.trunk_unreachable" in kinds and "outbound.dialing" not in kinds
        with carrier(box, "trunk_options", port, calls=1) as (back, _):
            wait_for(lambda: found()["state"] == "reachable", 10, "reachable again")
            assert back.wait(10) == 0
