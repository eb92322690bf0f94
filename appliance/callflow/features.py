"""Phone feature codes: what an agent dials on their phone to change their state.

The table gives the defaults (`FeatureCodes`); every code can be changed under
`features:` in the settings, checked at start (`FeatureCodes.problems`).

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
| `*35<HHMM><number>` | book a call out: at HH:MM (next time it comes) ring me, then the number |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from appliance.callflow.const import AgentState

PARK_SLOTS = tuple(str(n) for n in range(701, 720))  # "701" … "719" (*720 is *72 0)
MAX_PROMPT_DIGITS = 10
MAX_EXTENSION_DIGITS = 10
SPEED_DIAL_CODE = re.compile(r"0?[0-9]{1,2}")
# What a feature code may look like: a star first (the SIP edge and the engine tell codes
# from numbers by it), then up to 5 digits or stars (# is %23 in a SIP URI: left out).
CODE = re.compile(r"\*[0-9*]{1,5}")


@dataclass(frozen=True)
class FeatureCodes:
    """The codes phones dial, by feature: the defaults below, changed under `features:` in
    the settings (docs/pbx.md).  Exact codes are dialled alone; the prefix codes
    (PREFIXED) are followed by a number, an extension, digits or a speed-dial index."""

    login: str = "*45"
    ready: str = "*46"
    dnd_on: str = "*78"
    dnd_off: str = "*79"
    forward_always: str = "*72"
    unforward_always: str = "*73"
    forward_busy: str = "*90"
    unforward_busy: str = "*91"
    forward_no_answer: str = "*52"
    unforward_no_answer: str = "*53"
    pickup: str = "*8"
    directed_pickup: str = "**"
    intercom: str = "*80"
    callback_busy: str = "*6"
    speed_dial: str = "*0"
    park: str = "*700"
    record_prompt: str = "*77"
    voicemail_own: str = "*97"
    voicemail_any: str = "*98"
    book_call: str = "*35"

    @classmethod
    def of(cls, settings: object) -> FeatureCodes:
        """Return the codes a settings section (same field names) holds."""
        return cls(**{f.name: str(getattr(settings, f.name)) for f in fields(cls)})

    def problems(self) -> list[str]:
        """Return what makes these codes unusable (bad shape, twice, ambiguous), if anything."""
        found = [f"{name} {code!r} is not * and up to 5 digits or stars"
                 for name, code in self.items() if not CODE.fullmatch(code)]  # fmt: skip
        seen: dict[str, str] = {}
        for name, code in self.items():
            if code in seen:
                found.append(f"{name} and {seen[code]} are both {code!r}")
            seen.setdefault(code, name)
        for name in PREFIXED:
            prefix = getattr(self, name)
            found += [f"{other} {code!r} starts with {name} {prefix!r}"
                      for other, code in self.items()
                      if other != name and code != prefix and code.startswith(prefix)]  # fmt: skip
        return found

    def items(self) -> list[tuple[str, str]]:
        """Return (feature, code) pairs."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


PREFIXED = ("forward_always", "forward_busy", "forward_no_answer", "directed_pickup", "intercom",
            "callback_busy", "speed_dial", "record_prompt", "book_call")  # fmt: skip
BOOKING = re.compile(r"([01][0-9]|2[0-3])([0-5][0-9])([0-9]{2,24})")  # HHMM, then the number
DEFAULT_CODES = FeatureCodes()
# The exact codes and the action each asks for (state toggles, pickup, voicemail).
EXACT = {"login": "login", "ready": "ready", "dnd_on": "dnd_on", "dnd_off": "dnd_off",
         "unforward_always": "unforward", "unforward_busy": "unforward",
         "unforward_no_answer": "unforward", "pickup": "pickup", "voicemail_own": "voicemail_own",
         "voicemail_any": "voicemail_any"}  # fmt: skip
# The agent column each forward code sets (the off codes clear it).
COLUMNS = {"forward_always": "forward_to", "unforward_always": "forward_to",
           "forward_busy": "forward_busy", "unforward_busy": "forward_busy",
           "forward_no_answer": "forward_no_answer",
           "unforward_no_answer": "forward_no_answer"}  # fmt: skip
FORWARDS = ("forward_always", "forward_busy", "forward_no_answer")
# Codes followed by an extension, longest code first when one is a prefix of another.
EXTENSION_ACTIONS = (("intercom", "intercom"), ("directed_pickup", "directed_pickup"),
                     ("callback_busy", "callback_busy"))  # fmt: skip


@dataclass(frozen=True)
class Feature:
    """A dialled feature: its action, its argument (the forward number) and, for forwards,
    the agent column it sets."""

    action: str
    argument: str = ""
    column: str = ""


def parse(dialled: str, codes: FeatureCodes = DEFAULT_CODES) -> Feature | None:
    """Return the feature a dialled string asks for, or None if it is not one."""
    for name, action in EXACT.items():
        if dialled == getattr(codes, name):
            return Feature(action, column=COLUMNS.get(name, ""))
    for name in FORWARDS:
        code = getattr(codes, name)
        number = dialled.removeprefix(code)
        forwardable = number.lstrip("+").isdigit() or number == codes.voicemail_own
        if dialled.startswith(code) and forwardable:
            return Feature("forward", number, COLUMNS[name])
    digits = dialled.removeprefix(codes.record_prompt)
    if (
        dialled.startswith(codes.record_prompt)
        and digits.isdigit()
        and len(digits) <= MAX_PROMPT_DIGITS
    ):
        return Feature("record_prompt", f"phone-{digits}")
    booked = BOOKING.fullmatch(dialled.removeprefix(codes.book_call))
    if dialled.startswith(codes.book_call) and booked:
        return Feature("book_call", f"{booked[1]}:{booked[2]} {booked[3]}")
    index = dialled.removeprefix(codes.speed_dial)
    if dialled.startswith(codes.speed_dial) and SPEED_DIAL_CODE.fullmatch(index):
        return Feature("speed_dial", str(int(index)))  # *05 and *005… are code 5
    return _park(dialled, codes) or _with_extension(dialled, codes)


def _park(dialled: str, codes: FeatureCodes) -> Feature | None:
    """Return the park or retrieve feature dialled, or None."""
    if dialled == codes.park:
        return Feature("park")
    if dialled.startswith("*") and dialled[1:] in PARK_SLOTS:
        return Feature("retrieve", dialled[1:])
    return None


def _with_extension(dialled: str, codes: FeatureCodes) -> Feature | None:
    """Return a feature whose code is followed by an extension (`*80` 1002), or None."""
    ordered = sorted(EXTENSION_ACTIONS, key=lambda pair: -len(getattr(codes, pair[0])))
    for name, action in ordered:
        code = getattr(codes, name)
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
