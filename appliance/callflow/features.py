"""Phone feature codes: what an agent dials on their phone to change their state.

| code | what it does |
|---|---|
| `*45` | log in (ready) / log out, toggled |
| `*46` | ready / not ready, toggled (logs in if logged out) |
| `*78` / `*79` | do not disturb on / off |
| `*72<number>` / `*73` | forward my direct calls to a number / stop forwarding |
| `*8` | pick up a call ringing for a colleague in one of my queues |
| `*77<digits>` | record custom prompt `phone-<digits>` after the beep (docs/prompts.md) |
| `*97` / `*98` | listen to my voicemail box / to any box (box number, then PIN) |
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.callflow.const import AgentState

CODES = {
    "*45": "login",
    "*46": "ready",
    "*78": "dnd_on",
    "*79": "dnd_off",
    "*73": "unforward",
    "*8": "pickup",
    "*97": "voicemail_own",
    "*98": "voicemail_any",
}
FORWARD = "*72"
RECORD_PROMPT = "*77"
MAX_PROMPT_DIGITS = 10


@dataclass(frozen=True)
class Feature:
    """A dialled feature: its action and its argument (the forward number)."""

    action: str
    argument: str = ""


def parse(dialled: str) -> Feature | None:
    """Return the feature a dialled string asks for, or None if it is not one."""
    if dialled in CODES:
        return Feature(CODES[dialled])
    number = dialled.removeprefix(FORWARD)
    if dialled.startswith(FORWARD) and number.lstrip("+").isdigit():
        return Feature("forward", number)
    digits = dialled.removeprefix(RECORD_PROMPT)
    if dialled.startswith(RECORD_PROMPT) and digits.isdigit() and len(digits) <= MAX_PROMPT_DIGITS:
        return Feature("record_prompt", f"phone-{digits}")
    return None


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
