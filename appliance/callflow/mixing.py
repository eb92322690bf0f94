"""Who hears whom in a call: the audio plan of hold, intro, consultation, conference, monitoring.

A call's parties are named by role: ``caller``, ``agent`` (who talks with the
caller), ``consult`` (the party an agent consults before a transfer or a
conference), ``third`` (a party joined to the conversation) and ``supervisor``
(listening, whispering or barging).  `plan` turns the call's situation into the set
of one-way audio links the engine keeps in the conference bridge.  A sink hears the
mix of the sources linked to it, and a source sends only what its own party says,
so a whisper linked supervisor → agent never reaches the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.callflow.const import MonitorMode

Link = tuple[str, str]  # (source role, sink role)


@dataclass(frozen=True)
class Situation:
    """What a call looks like now: the parties whose audio is up, and the operations on."""

    present: frozenset[str]
    held: bool = False  # the agent put the caller on hold
    consulting: bool = False  # the agent talks with `consult`, the caller on hold
    monitor: MonitorMode | None = None
    intro: bool = False  # the caller hears a recorded intro (call.intro), the agent waits


@dataclass(frozen=True)
class Plan:
    """The links to keep, whether the caller hears music, what the recording takes in.

    `intro`: the caller hears the intro prompt (not the music); `agent_music`: the
    agent waiting for the intro to end hears the queue's music on hold.
    """

    links: frozenset[Link] = field(default_factory=frozenset)
    music: bool = False
    recorded: frozenset[str] = field(default_factory=frozenset)
    intro: bool = False
    agent_music: bool = False


def room(situation: Situation) -> set[str]:
    """Return the parties in the conversation: each hears all the others."""
    members = {"caller", "agent", "third"}
    if situation.held or situation.consulting or situation.intro:
        members.discard("caller")
        members.discard("third")
    if situation.consulting:
        members.add("consult")
    return members & situation.present


def plan(situation: Situation) -> Plan:
    """Return the audio plan of a call."""
    members = room(situation)
    links = {(a, b) for a in members for b in members if a != b}
    recorded = members - {"consult"}
    sup = "supervisor" if "supervisor" in situation.present else None
    if sup and situation.monitor is not None:
        links |= {(m, sup) for m in members}
        if situation.monitor == MonitorMode.WHISPER and "agent" in members:
            links.add((sup, "agent"))
        elif situation.monitor == MonitorMode.BARGE:
            links |= {(sup, m) for m in members}
            recorded = recorded | {sup}
    caller_waits = "caller" in situation.present and "caller" not in members
    intro = situation.intro and "caller" in situation.present
    agent_music = intro and "agent" in members
    return Plan(
        frozenset(links), caller_waits and not intro, frozenset(recorded), intro, agent_music
    )
