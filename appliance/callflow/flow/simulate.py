"""Run a flow without a phone: the path a caller takes and what they would hear."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from appliance.callflow.customers import CallerBook
from appliance.callflow.flow.instructions import (
    EnterQueue,
    FlowError,
    Hangup,
    Instruction,
    LeaveMessage,
    OfferCallback,
    Play,
    Record,
    Transfer,
    Wait,
)
from appliance.callflow.flow.results import SurveyAnswer
from appliance.callflow.flow.run import FlowRun
from appliance.callflow.hours import Schedule

SILENCE = "."  # a key that lets the playing prompt (and its wait) run out
AGENT_HANGS_UP = "!"  # in a queue: an agent answers and hangs up first (to a survey)
MAX_STEPS = 500  # a silent caller in a menu that loops back to itself never ends


@dataclass
class Trace:
    """What one simulated call did: nodes entered, prompts played, how it ended.

    `end` is ``queue:<name>``, ``transfer:<kind>:<target>``, ``callback_offer:<queue>``,
    ``voicemail:<box>``, ``hangup``, ``error: <message>`` or ``too-long``.
    """

    path: list[str]
    played: list[Play]
    end: str
    variables: dict[str, str] = field(default_factory=dict)
    queued: EnterQueue | None = None
    answers: list[SurveyAnswer] = field(default_factory=list)


def simulate(
    graph: dict[str, Any],
    caller: str = "",
    at: float | None = None,
    keys: str = "",
    customers: CallerBook | None = None,
    schedules: Mapping[str, Schedule] | None = None,
) -> Trace:
    """Walk graph for a call from caller at time at, pressing keys.

    Each key is pressed while the current prompt plays (during a plain prompt it is
    typed ahead for the next menu) or while the flow waits for digits; ``.`` instead
    lets the prompt and its wait run out.  When the keys are used up the caller stays
    silent.  In a queue, ``!`` is an agent who answers and hangs up first: the walk
    goes on at the queue node's survey, if it has one.  While a comment is recorded,
    ``#`` or ``.`` ends it.  customers and schedules are what lookup and
    time_condition nodes see.
    """
    run = FlowRun(
        graph,
        caller=caller,
        started_at=time.time() if at is None else at,
        customers=customers or CallerBook(),
        schedules=schedules or {},
    )
    played: list[Play] = []
    pending = list(keys)
    try:
        instruction: Instruction | None = run.start()
        for _ in range(MAX_STEPS):
            if isinstance(instruction, EnterQueue) and pending[:1] == [AGENT_HANGS_UP]:
                pending.pop(0)
                instruction = run.goto(run.survey) if run.survey else Hangup("agent hung up")
            if not isinstance(instruction, Play | Wait | Record):
                return _trace(run, played, instruction)
            if isinstance(instruction, Play) and (not played or played[-1] is not instruction):
                played.append(instruction)
            key = pending.pop(0) if pending else SILENCE
            instruction = _step(run, instruction, key)
    except FlowError as exc:
        return Trace(run.path, played, f"error: {exc}", dict(run.variables), answers=run.answers)
    return Trace(run.path, played, "too-long", dict(run.variables), answers=run.answers)


def _step(run: FlowRun, instruction: Play | Wait | Record, key: str) -> Instruction:
    """Return the instruction after the caller pressed key (or stayed silent)."""
    if isinstance(instruction, Record):
        done = key in (SILENCE, instruction.terminator)
        return run.on_recorded() if done else instruction
    answer = run.on_played() if key == SILENCE else run.on_digit(key)
    return instruction if answer is None else answer


def _trace(run: FlowRun, played: list[Play], instruction: Instruction | None) -> Trace:
    """Return the trace of a walk that ended in instruction."""
    variables, answers = dict(run.variables), run.answers
    if isinstance(instruction, EnterQueue):
        end = f"queue:{instruction.queue}"
        return Trace(run.path, played, end, variables, instruction, answers)
    if isinstance(instruction, Transfer):
        end = f"transfer:{instruction.kind}:{instruction.target}"
        return Trace(run.path, played, end, variables, answers=answers)
    if isinstance(instruction, OfferCallback):
        end = f"callback_offer:{instruction.queue}"
        return Trace(run.path, played, end, variables, answers=answers)
    if isinstance(instruction, LeaveMessage):
        end = f"voicemail:{instruction.box}"
        return Trace(run.path, played, end, variables, answers=answers)
    assert isinstance(instruction, Hangup)
    return Trace(run.path, played, "hangup", variables, answers=answers)
