"""Run a flow without a phone: the path a caller takes and what they would hear."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.flow.instructions import (
    EnterQueue,
    FlowError,
    Hangup,
    Instruction,
    LeaveMessage,
    Play,
)
from appliance.callflow.flow.run import FlowRun

SILENCE = "."  # a key that lets the playing prompt (and its wait) run out
MAX_STEPS = 500  # a silent caller in a menu that loops back to itself never ends


@dataclass
class Trace:
    """What one simulated call did: nodes entered, prompts played, how it ended.

    `end` is ``queue:<name>``, ``voicemail:<box>``, ``hangup``, ``error: <message>`` or
    ``too-long``.
    """

    path: list[str]
    played: list[Play]
    end: str
    variables: dict[str, str] = field(default_factory=dict)
    queued: EnterQueue | None = None


def simulate(
    graph: dict[str, Any], caller: str = "", at: float | None = None, keys: str = ""
) -> Trace:
    """Walk graph for a call from caller at time at, pressing keys.

    Each key is pressed while the current prompt plays (during a plain prompt it is
    typed ahead for the next menu); ``.`` instead lets the prompt and its wait run
    out.  When the keys are used up the caller stays silent.
    """
    run = FlowRun(graph, caller=caller, started_at=time.time() if at is None else at)
    played: list[Play] = []
    pending = list(keys)
    try:
        instruction: Instruction | None = run.start()
        for _ in range(MAX_STEPS):
            if not isinstance(instruction, Play):
                return _trace(run, played, instruction)
            if not played or played[-1] is not instruction:
                played.append(instruction)
            key = pending.pop(0) if pending else SILENCE
            answer = run.on_played() if key == SILENCE else run.on_digit(key)
            instruction = instruction if answer is None else answer
    except FlowError as exc:
        return Trace(run.path, played, f"error: {exc}", dict(run.variables))
    return Trace(run.path, played, "too-long", dict(run.variables))


def _trace(run: FlowRun, played: list[Play], instruction: Instruction | None) -> Trace:
    """Return the trace of a walk that ended in instruction."""
    if isinstance(instruction, EnterQueue):
        return Trace(run.path, played, f"queue:{instruction.queue}", run.variables, instruction)
    if isinstance(instruction, LeaveMessage):
        return Trace(run.path, played, f"voicemail:{instruction.box}", dict(run.variables))
    assert isinstance(instruction, Hangup)
    return Trace(run.path, played, "hangup", dict(run.variables))
