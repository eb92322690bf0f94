"""One callbox call: its legs, what the caller hears, its timers and its events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.acd import QueueConfig
from appliance.callflow.const import MonitorMode
from appliance.callflow.ivr import FlowRun
from appliance.engine.directory import Route
from appliance.engine.intro import Intro
from appliance.engine.legs import Leg
from appliance.engine.media import Player, Recorder
from appliance.engine.reactor import Timer


def new_call_id() -> str:
    """Return a fresh call id."""
    return uuid.uuid4().hex


@dataclass
class CallSession:
    """A call from its first INVITE to its CDR."""

    call_id: str
    caller: Leg
    from_number: str
    to_number: str
    direction: str = "inbound"
    route: Route | None = None
    run: FlowRun | None = None
    state: str = "new"  # new | ivr | queued | ringing | talking | intro | ending
    queue: QueueConfig | None = None
    agent_leg: Leg | None = None  # the agent who answered
    agent: str = ""
    ringing: dict[str, Leg] = field(default_factory=dict)  # extension -> leg still ringing
    consult: Leg | None = None  # who the agent consults before a transfer or a conference
    consult_for: str = ""  # "transfer" | "conference": what the consultation is for
    third: Leg | None = None  # a party joined to the conversation (three-way)
    supervisor: Leg | None = None  # a supervisor listening, whispering or barging
    monitor: MonitorMode | None = None
    held: bool = False  # the agent put the caller on hold
    intro: Intro | None = None  # the caller hears the company intro (call.intro)
    links: set[tuple[Leg, Leg]] = field(default_factory=set)  # audio links now in the bridge
    recorded: set[Leg] = field(default_factory=set)  # legs the recorder takes in
    recording_paused: bool = False  # the agent paused the recording (call.record.pause)
    recording_file: str = ""  # the call recording being written (relative path), if any
    recording_held: bool = False  # the call should be recorded but the disk is (was) too full
    recording_parts: int = 0  # files the call recording was written to (a new one per resume)
    notes: list[str] = field(default_factory=list)  # agents' notes, which follow transfers
    released: list[Leg] = field(default_factory=list)  # agents who left the call before its end
    bridged: bool = False  # caller and agent were joined (and the recording started)
    record: bool | None = None  # record the call; None: as its queue says (calls out set it)
    overflows: int = 0  # times passed on from a queue
    priority: int = 0  # in queues: higher is served before earlier callers
    skills: dict[str, int] = field(default_factory=dict)  # what the caller needs (IVR choice)
    customer: str = ""  # the number of the customer record an IVR lookup found
    fallback: str = ""  # the IVR node a caller goes on at when a flow's transfer fails
    prompt: Player | None = None
    prompt_timer: Timer | None = None
    music: Player | None = None
    recorder: Recorder | None = None
    timers: list[Timer] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    started_at: float = 0.0
    ended_by: str = ""
    end_reason: str = ""
    finished: bool = False

    @property
    def known_as(self) -> str:
        """Return the number the caller is served as: a looked-up customer's, else their own."""
        return self.customer or self.from_number

    def legs(self) -> list[Leg]:
        """Return every leg of the call: caller, agent, others joined, agents still ringing."""
        others = (self.agent_leg, self.consult, self.third, self.supervisor)
        return [self.caller, *(leg for leg in others if leg is not None), *self.ringing.values()]

    def role_of(self, leg: Leg) -> str:
        """Return the part a leg plays in the call now ("" if none)."""
        parts = {
            "caller": self.caller,
            "agent": self.agent_leg,
            "consult": self.consult,
            "third": self.third,
            "supervisor": self.supervisor,
        }
        return next((role for role, held in parts.items() if held is leg), "")

    def cancel_timers(self) -> None:
        """Cancel every pending timer of the call."""
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()
        if self.prompt_timer is not None:
            self.prompt_timer.cancel()
            self.prompt_timer = None

    def read_rtp(self) -> None:
        """Read the RTP counters of the legs still up (before the engine hangs them up)."""
        for leg in self.legs():
            if not leg.ended and leg.audio is not None:
                leg.read_rtp()

    def rtp(self) -> dict[str, dict[str, int]]:
        """Return each leg's final RTP counters by role."""
        return {leg.role: leg.rtp for leg in self.legs() if leg.rtp}

    def summary(self) -> dict[str, Any]:
        """Return the call as the `calls` control command lists it."""
        return {
            "call_id": self.call_id,
            "from": self.from_number,
            "to": self.to_number,
            "state": self.state,
            "queue": self.queue.name if self.queue else None,
            "agent": self.agent or ",".join(self.ringing) or None,
            "started_at": self.started_at,
        }
