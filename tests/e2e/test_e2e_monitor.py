"""Supervisor monitoring with real SIP and audio: listen, whisper and barge measured by tone.

Three pjsua2 phones send tones of their own: the caller 500 Hz, the agent 1 kHz,
the supervisor 2 kHz.  Each records what it receives; the amplitude of each tone in
each stretch of time says who heard whom while the supervisor listened, whispered
and barged.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from boxharness import AgentPhone, Box
from tones import heard

from appliance.engine.control import ControlError
from appliance.store.models import InboundNumber

pytestmark = pytest.mark.e2e

CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ = 500, 1000, 2000
PRESENT, ABSENT = 1000.0, 200.0  # amplitudes: a tone sent at 0.3 of full scale is ~9800
PHASE_SECONDS = 2.5


def queue_number(box: Box, number: str = "200", queue: str = "support") -> None:
    """Route a number straight to a queue (phones dial it through the edge)."""
    InboundNumber.create(number=number, target_type="queue", target=queue)
    box.control.call("reload")


def recording(phone: AgentPhone) -> tuple[Path, float]:
    """Return the phone's first recording and when it started."""
    line = next(x for x in phone.lines if x["event"] == "recording")
    return Path(line["path"]), float(line["at"])


def test_supervisor_listens_whispers_and_barges(box: Box) -> None:
    queue_number(box)
    marks: dict[str, float] = {}
    with (
        box.agent("1001", tone_hz=AGENT_HZ, record=True) as agent,
        box.agent("1004", tone_hz=SUPERVISOR_HZ, record=True) as supervisor,
    ):
        with box.agent("1005", tone_hz=CALLER_HZ, record=True, call="200") as caller:
            agent.read_until("recording", 15)
            caller.read_until("recording", 15)
            call_id = box.live_call()
            for mode in ("listen", "whisper", "barge"):
                box.control.call("call.monitor", call_id=call_id, supervisor="1004", mode=mode)
                if mode == "listen":
                    supervisor.read_until("recording", 15)
                marks[mode] = time.time()
                time.sleep(PHASE_SECONDS)
            marks["end"] = time.time()
        for phone in (agent, supervisor):
            phone.read_until("disconnected", 10)
    phases = ("listen", "whisper", "barge")
    windows = dict(zip(phases, zip(phases, (*phases[1:], "end"), strict=True), strict=True))

    def level(phone: AgentPhone, phase: str, hz: int) -> float:
        path, started = recording(phone)
        start, end = windows[phase]
        return heard(path, marks[start] - started, marks[end] - started, hz, settle=True)

    for phase in phases:
        # Caller and agent hear each other all along; the supervisor hears them both.
        assert level(caller, phase, AGENT_HZ) > PRESENT, phase
        assert level(agent, phase, CALLER_HZ) > PRESENT, phase
        assert level(supervisor, phase, CALLER_HZ) > PRESENT, phase
        assert level(supervisor, phase, AGENT_HZ) > PRESENT, phase
    assert level(agent, "listen", SUPERVISOR_HZ) < ABSENT
    assert level(caller, "listen", SUPERVISOR_HZ) < ABSENT
    assert level(agent, "whisper", SUPERVISOR_HZ) > PRESENT  # the agent hears the whisper
    assert level(caller, "whisper", SUPERVISOR_HZ) < ABSENT  # the caller does not
    assert level(agent, "barge", SUPERVISOR_HZ) > PRESENT
    assert level(caller, "barge", SUPERVISOR_HZ) > PRESENT
    cdr = box.wait_cdr()
    kinds = [e["kind"] for e in box.events(cdr["call_id"])]
    assert kinds.count("monitor.mode") == 3 and "monitor.started" in kinds
    assert cdr["agent"] == "1001" and cdr["outcome"] == "answered"


def test_supervisor_actions_on_a_call_that_ended_are_refused(box: Box) -> None:
    with pytest.raises(ControlError) as gone:
        box.control.call("call.monitor", call_id="no-such", supervisor="1004", mode="whisper")
    assert gone.value.error_id == "no-such-call"
    queue_number(box)
    with box.agent("1001"), box.agent("1005", call="200") as caller:
        caller.read_until("confirmed", 15)
        call_id = box.live_call()
        with pytest.raises(ControlError) as bad:
            box.control.call("call.monitor", call_id=call_id, supervisor="1004", mode="shout")
        assert bad.value.error_id == "bad-mode"
        with pytest.raises(ControlError) as nobody:
            box.control.call("call.takeover", call_id=call_id, supervisor="1004")
        assert nobody.value.error_id == "not-monitoring"
        assert box.control.call("calls")["calls"][0]["state"] == "talking"  # unharmed
    cdr = box.wait_cdr()
    with pytest.raises(ControlError) as ended:
        box.control.call("call.monitor", call_id=cdr["call_id"], supervisor="1004", mode="listen")
    assert ended.value.error_id == "no-such-call"
