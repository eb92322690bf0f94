"""Phone feature codes: what an agent dials on their phone to change their state.

| code | what it does |
|---|---|
| `*45` | log in (ready) / log out, toggled |
| `*46` | ready / not ready, toggled (logs in if logged out) |
| `*78` / `*79` | do not disturb on / off |
| `*72<number>` / `*73` | forward my direct calls to a number / stop forwarding |
| `*90<number>` / `*91` | forward them when I am busy or in DND / stop |
| `*52<number>` / `*53` | forward them when I do not answer / stop |
| `*72*97`, `*90*97`, `*52*97` | forward them to my voicemail box (always / busy / no answer) |
| `*8` | pick up a call ringing for a colleague in one of my queues (group pickup) |
| `**<ext>` | pick up the call ringing at extension ext (directed pickup) |
| `*700` | park the call (a phone's transfer key to `*700`); the box says the slot |
| `*701` … `*719` | retrieve the call parked in that slot (also the slot number alone) |
| `*6<ext>` | call me back when ext is free (callback on busy) |
| `*80<ext>` | intercom: call ext with an auto-answer request |
| `*0<n>` | speed dial: call the number the box's list has under n (0–99) |
| `*77<digits>` | record custom prompt `phone-<digits>` after the beep (docs/prompts.md) |
| `*97` / `*98` | listen to my voicemail box / to any box (box number, then PIN) |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appliance.callflow.const import AgentState

VOICEMAIL_FORWARD = "*97"  # as a forward target: the forwarding extension's own voicemail box

CODES = {
    "*45": "login",
    "*46": "ready",
    "*78": "dnd_on",
    "*79": "dnd_off",
    "*73": "unforward",
    "*91": "unforward",
    "*53": "unforward",
    "*8": "pickup",
    "*97": "voicemail_own",
    "*98": "voicemail_any",
}
FORWARD = "*72"
# The agent column each forward code sets (the off codes clear it).
FORWARD_COLUMNS = {
    "*72": "forward_to",
    "*73": "forward_to",
    "*90": "forward_busy",
    "*91": "forward_busy",
    "*52": "forward_no_answer",
    "*53": "forward_no_answer",
}
RECORD_PROMPT = "*77"
MAX_PROMPT_DIGITS = 10
PARK = "*700"
PARK_SLOTS = tuple(str(n) for n in range(701, 720))  # "701" … "719" (*720 is *72 0)
# Codes followed by an extension: the action they ask for, longest code first.
EXTENSION_CODES = (("*80", "intercom"), ("**", "directed_pickup"), ("*6", "callback_busy"))
MAX_EXTENSION_DIGITS = 10
SPEED_DIAL = "*0"
SPEED_DIAL_CODE = re.compile(r"0?[0-9]{1,2}")


@dataclass(frozen=True)
class Feature:
    """A dialled feature: its action, its argument (the forward number) and, for forwards,
    the agent column it sets."""

    action: str
    argument: str = ""
    column: str = ""


def parse(dialled: str) -> Feature | None:
    """Return the feature a dialled string asks for, or None if it is not one."""
    if dialled in CODES:
        return Feature(CODES[dialled], column=FORWARD_COLUMNS.get(dialled, ""))
    code, number = dialled[:3], dialled[3:]
    forwardable = number.lstrip("+").isdigit() or number == VOICEMAIL_FORWARD
    if code in FORWARD_COLUMNS and CODES.get(code) != "unforward" and forwardable:
        return Feature("forward", number, FORWARD_COLUMNS[code])
    digits = dialled.removeprefix(RECORD_PROMPT)
    if dialled.startswith(RECORD_PROMPT) and digits.isdigit() and len(digits) <= MAX_PROMPT_DIGITS:
        return Feature("record_prompt", f"phone-{digits}")
    code = dialled.removeprefix(SPEED_DIAL)
    if dialled.startswith(SPEED_DIAL) and SPEED_DIAL_CODE.fullmatch(code):
        return Feature("speed_dial", str(int(code)))  # *05 and *005… are code 5
    return _park(dialled) or _with_extension(dialled)


def _park(dialled: str) -> Feature | None:
    """Return the park or retrieve feature dialled, or None."""
    if dialled == PARK:
        return Feature("park")
    if dialled.startswith("*") and dialled[1:] in PARK_SLOTS:
        return Feature("retrieve", dialled[1:])
    return None


def _with_extension(dialled: str) -> Feature | None:
    """Return a feature whose code is followed by an extension (`*80` 1002), or None."""
    for code, action in EXTENSION_CODES:
        extension = dialled.removeprefix(code)
        if dialled.startswith(code) and extension.isdigit():
            return Feature(action, extension) if len(extension) <= MAX_EXTENSION_DIGITS else None
    return None


def park_slot(dialled: str) -> str:
    """Return the park slot a number dialled without a star names ("" if none)."""
    return dialled if dialled in PARK_SLOTS else ""


def next_state(action: str, state: AgentState) -> AgentState:
    """Return the working state an agent in state asks for with a state feature."""
    if action == "login":
        return AgentState.READY if state == AgentState.LOGGED_OUT else AgentState.LOGGED_OUT
    if action == "ready":
        return AgentState.NOT_READY if state == AgentState.READY else AgentState.READY
    if action == "dnd_on":
        return AgentState.DND
    if action == "dnd_off":
        return AgentState.READY if state == AgentState.DND else state
    raise ValueError(f"{action!r} does not change an agent's state")
