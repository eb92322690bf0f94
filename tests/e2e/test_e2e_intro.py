"""The company intro with real SIP: the caller hears the recording, then the agent again.

As in test_e2e_transfer.py, every phone sends a tone of its own and records what it
hears; the intro prompt is a 700 Hz tone and the queue's music a 300 Hz one, so the
tests can tell who heard what in each stretch.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from boxharness import AgentPhone, Box, wait_for
from tones import heard

from appliance.engine.control import ControlError
from appliance.store.models import InboundNumber, Queue

pytestmark = pytest.mark.e2e

CALLER_HZ, AGENT_HZ, INTRO_HZ, MUSIC_HZ = 500, 1000, 700, 300
INTRO_SECONDS = 3
PRESENT, ABSENT = 1000.0, 200.0


def tone_file(path: Path, hz: int, seconds: float) -> None:
    """Write a tone WAV (8 kHz mono) unless it is there."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        sox = ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(path)]
        subprocess.run([*sox, "synth", str(seconds), "sine", str(hz), "vol", "0.3"], check=True)


@contextmanager
def connected(box: Box) -> Iterator[tuple[AgentPhone, AgentPhone, str]]:
    """Yield (caller phone, agent 1001's phone, call id) of a call answered by 1001."""
    prompts = Path(box.settings.paths.prompts)
    tone_file(prompts / "en" / f"intro-{INTRO_HZ}.wav", INTRO_HZ, INTRO_SECONDS)
    tone_file(prompts / "moh" / f"tone{MUSIC_HZ}.wav", MUSIC_HZ, 10)
    Queue.update(music_class=f"tone{MUSIC_HZ}").where(Queue.name == "support").execute()
    InboundNumber.create(number="200", target_type="queue", target="support")
    box.control.call("reload")
    with (
        box.agent("1001", tone_hz=AGENT_HZ, record=True) as agent,
        box.agent("1005", tone_hz=CALLER_HZ, record=True, call="200") as caller,
    ):
        agent.read_until("recording", 15)
        caller.read_until("recording", 15)
        yield caller, agent, box.live_call()


def level(phone: AgentPhone, start: float, end: float, hz: int) -> float:
    """Return how loud hz was in what phone heard between two wall times."""
    line = next(x for x in phone.lines if x["event"] == "recording")
    return heard(Path(line["path"]), start - float(line["at"]), end - float(line["at"]), hz, True)


def test_the_caller_hears_the_intro_then_the_agent_again(box: Box) -> None:
    with connected(box) as (caller, agent, call_id):
        with pytest.raises(ControlError) as missing:
            box.control.call("call.intro", call_id=call_id, prompt="no-such-intro")
        assert missing.value.error_id == "no-prompt"
        with pytest.raises(ControlError) as nothing:
            box.control.call("call.intro_cancel", call_id=call_id)
        assert nothing.value.error_id == "no-intro"
        reply = box.control.call("call.intro", call_id=call_id, prompt=f"intro-{INTRO_HZ}")
        t0 = time.time()
        assert reply["seconds"] == INTRO_SECONDS
        with pytest.raises(ControlError) as twice:
            box.control.call("call.intro", call_id=call_id, prompt=f"intro-{INTRO_HZ}")
        assert twice.value.error_id == "busy"
        wait_for(lambda: "call.intro_ended" in box.kinds(call_id), 10, "the intro's end")
        t1 = time.time()
        time.sleep(2)
        t2 = time.time()
        box.control.call("call.intro", call_id=call_id, prompt=f"intro-{INTRO_HZ}")
        time.sleep(0.5)
        assert box.control.call("call.intro_cancel", call_id=call_id) == {
            "call_id": call_id, "cancelled": True}  # fmt: skip
        t3 = time.time()
        time.sleep(1.5)
        t4 = time.time()
    assert level(caller, t0, t0 + INTRO_SECONDS, INTRO_HZ) > PRESENT
    assert level(caller, t0, t0 + INTRO_SECONDS, AGENT_HZ) < ABSENT
    assert level(agent, t0, t0 + INTRO_SECONDS, MUSIC_HZ) > PRESENT
    assert level(agent, t0, t0 + INTRO_SECONDS, CALLER_HZ) < ABSENT
    assert level(caller, t1, t2, AGENT_HZ) > PRESENT
    assert level(caller, t1, t2, INTRO_HZ) < ABSENT
    assert level(agent, t1, t2, CALLER_HZ) > PRESENT
    assert level(caller, t3, t4, AGENT_HZ) > PRESENT  # cancelled: back before its end
    assert level(caller, t3, t4, INTRO_HZ) < ABSENT
    events = box.events(box.wait_cdr()["call_id"])
    ended = [e["data"] for e in events if e["kind"] == "call.intro_ended"]
    assert ended == [
        {"prompt": f"intro-{INTRO_HZ}", "reason": "played"},
        {"prompt": f"intro-{INTRO_HZ}", "reason": "cancelled"},
    ]
    with pytest.raises(ControlError) as gone:
        box.control.call("call.intro", call_id=call_id)
    assert gone.value.error_id == "no-such-call"


def test_the_agent_hanging_up_during_the_intro_lets_it_finish_then_ends_the_call(
    box: Box,
) -> None:
    with connected(box) as (caller, agent, call_id):
        box.control.call("call.intro", call_id=call_id, prompt=f"intro-{INTRO_HZ}")
        t0 = time.time()
        agent.stop()
        caller.read_until("disconnected", 10)
        t1 = time.time()
    assert t1 - t0 > INTRO_SECONDS - 0.5  # the caller heard the rest first
    assert level(caller, t0 + 0.5, t0 + INTRO_SECONDS - 0.5, INTRO_HZ) > PRESENT
    cdr = box.wait_cdr()
    kinds = box.kinds(cdr["call_id"])
    assert kinds.index("call.intro_started") < kinds.index("call.intro_ended")
    assert "survey.started" not in kinds  # no survey on this number: the call ends
    assert box.events(cdr["call_id"])[-1]["data"]["by"] == "agent"
    assert cdr["outcome"] == "answered"
