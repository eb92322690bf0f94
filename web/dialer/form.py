"""The campaign form: its fields, what they read as, and the checks across them.

Each input is a `web.admin.schemas.Field`; the window is one text input per weekday
(`09:00-12:00, 13:30-20:00`), the retry policy a delay (minutes) and a most-attempts
per outcome.  The result is checked the way the pacing reads it
(`store.campaigns.campaign_for`), so a campaign saved here is one the engine can run.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.dialer.const import Mode, Outcome
from appliance.dialer.retry import CEILING, STANDARD, RetryPolicy
from appliance.dialer.windows import parse_window
from appliance.store import campaigns as store
from appliance.store.models import Agent, BusinessHours, Campaign, IvrFlow, Queue
from web.admin.schemas import DIALLABLE, Field, FieldError, FormResult, parse_form
from web.dialer.labels import MODES
from web.i18n import _
from web.i18n import lazy_gettext as _l

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = dict(
    zip(
        WEEKDAYS,
        (
            _l("Monday"),
            _l("Tuesday"),
            _l("Wednesday"),
            _l("Thursday"),
            _l("Friday"),
            _l("Saturday"),
            _l("Sunday"),
        ),
        strict=True,
    )
)
RETRIED = [o for o in Outcome if o is not Outcome.CONNECTED]
CODE = re.compile(r"^[\w-]{1,40}$")


def _choices_of(model: Any, column: str) -> Any:
    """Return a choices function: "" then every distinct value of model.column."""

    def choices() -> list[tuple[str, str]]:
        """List the names (read at each form)."""
        names = sorted({getattr(r, column) for r in model.select(getattr(model, column))})
        return [("", "")] + [(n, n) for n in names]

    return choices


def _percent(value: str) -> float:
    """Return a drop cap typed in percent as a share (3 -> 0.03)."""
    try:
        share = float(value) / 100
    except ValueError:
        raise FieldError(_("Enter a percentage, e.g. 3.")) from None
    if not 0 < share <= 0.5:
        raise FieldError(_("Between 0 and 50 percent."))
    return share


def _zone(value: str) -> str:
    """Return an IANA time zone name, refusing an unknown one."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError(_("Not a time zone name (e.g. Asia/Shanghai).")) from None
    return value


def _agents(value: str) -> list[str]:
    """Return the agent extensions listed, each an existing agent."""
    listed = [x for x in re.split(r"[,\s]+", value) if x]
    known = {a.extension for a in Agent.select(Agent.extension).where(Agent.extension.in_(listed))}
    if unknown := [x for x in listed if x not in known]:
        raise FieldError(_("No such agent: %(list)s.", list=", ".join(unknown)))
    return listed


def _codes(value: str) -> list[str]:
    """Return the disposition codes, one per line."""
    codes = [line.strip() for line in value.splitlines() if line.strip()]
    if bad := [c for c in codes if not CODE.match(c)]:
        raise FieldError(_("Not a code (letters, digits, - and _): %(list)s.", list=", ".join(bad)))
    return list(dict.fromkeys(codes))


def fields() -> list[Field]:
    """Return every field of the campaign form."""
    main = [
        Field("name", _l("Name"), required=True, max_length=100),
        Field("mode", _l("Mode"), kind="choice", choices=lambda: list(MODES.items())),
        Field(
            "queue",
            _l("Queue"),
            kind="choice",
            choices=_choices_of(Queue, "name"),
            help=_l("Its agents take the calls (not for agentless)."),
        ),
        Field(
            "agents",
            _l("Agents"),
            max_length=2000,
            check=_agents,
            help=_l("Extensions, e.g. 1001 1002; empty: the queue's members."),
        ),
        Field(
            "flow", _l("IVR flow (agentless)"), kind="choice", choices=_choices_of(IvrFlow, "name")
        ),
        Field(
            "caller_id",
            _l("Caller ID"),
            max_length=32,
            pattern=DIALLABLE,
            pattern_message=_l("Digits, optionally starting with +."),
        ),
        Field("script", _l("Script for the agents"), kind="textarea", max_length=10000),
    ]
    window = [Field(f"window_{d}", DAY_LABELS[d], max_length=200) for d in WEEKDAYS]
    rest = [
        Field(
            "holidays_from",
            _l("Closed on the holidays of"),
            kind="choice",
            choices=_choices_of(BusinessHours, "name"),
        ),
        Field(
            "default_zone",
            _l("Time zone of numbers that tell none"),
            required=True,
            max_length=64,
            check=_zone,
        ),
        Field("drop_cap", _l("Drop cap (%)"), required=True, max_length=8, check=_percent),
        Field(
            "max_channels",
            _l("Calls at once at most (0: the trunk's limit)"),
            kind="int",
            minimum=0,
            maximum=1000,
        ),
        Field(
            "amd",
            _l("Detect answering machines"),
            kind="bool",
            help=_l("Listen to the first seconds of each answer; hang up on a machine."),
        ),
        Field(
            "dispositions",
            _l("Dispositions (one code per line; empty: the default set)"),
            kind="textarea",
            max_length=2000,
            check=_codes,
        ),
    ]
    return main + window + rest + retry_fields()


def retry_fields() -> list[Field]:
    """Return the retry policy's fields: per outcome a delay and a most-attempts."""
    out = []
    for o in RETRIED:
        out.append(
            Field(
                f"retry_{o}_delay",
                _l("Delay (minutes)"),
                kind="int",
                minimum=0,
                maximum=100000,
                blank_none=True,
            )
        )
        out.append(
            Field(
                f"retry_{o}_max",
                _l("Most attempts"),
                kind="int",
                minimum=1,
                maximum=CEILING,
                blank_none=True,
            )
        )
    out.append(Field("until_connected", _l("Until connected"), kind="bool"))
    out.append(
        Field("max_attempts", _l("Most attempts in all"), kind="int", minimum=1, maximum=CEILING)
    )
    out.append(
        Field("default_delay", _l("Default delay (minutes)"), kind="int", minimum=0, maximum=100000)
    )
    return out


def initial(row: Campaign | None) -> dict[str, str]:
    """Return the text of each input for a campaign (the defaults for a new one)."""
    row = row if row is not None else Campaign(window={d: ["09:00-20:00"] for d in WEEKDAYS[:5]})
    policy = RetryPolicy.from_json(row.retry_policy) if row.retry_policy else STANDARD
    values = {
        "name": row.name or "",
        "mode": row.mode or "progressive",
        "queue": row.queue,
        "agents": " ".join(row.agents),
        "flow": row.flow,
        "caller_id": row.caller_id,
        "script": row.script,
        "holidays_from": row.holidays_from,
        "default_zone": row.default_zone,
        "drop_cap": f"{row.drop_cap * 100:g}",
        "max_channels": str(row.max_channels),
        "dispositions": "\n".join(row.dispositions),
        "amd": "on" if row.amd else "",
        "until_connected": "on" if policy.until_connected else "",
        "max_attempts": str(policy.max_attempts),
        "default_delay": f"{policy.default_delay_seconds // 60}",
    }
    for d in WEEKDAYS:
        values[f"window_{d}"] = ", ".join(row.window.get(d, []))
    for o in RETRIED:
        rule = policy.rules.get(o)
        values[f"retry_{o}_delay"] = f"{rule.delay_seconds // 60}" if rule else ""
        values[f"retry_{o}_max"] = str(rule.max_attempts) if rule else ""
    return values


def read(form: Any, row: Campaign | None) -> tuple[FormResult, dict[str, Any]]:
    """Parse the form; return its result and the campaign's column values when it is right."""
    result = parse_form(fields(), form)
    settings: dict[str, Any] = {}
    if result.ok:
        settings = _columns(result)
        _check(result, settings, row)
    return result, settings


def _columns(result: FormResult) -> dict[str, Any]:
    """Return the campaign columns from the parsed fields."""
    v = result.values
    plain = (
        "name",
        "mode",
        "queue",
        "agents",
        "flow",
        "caller_id",
        "script",
        "holidays_from",
        "default_zone",
        "drop_cap",
        "max_channels",
        "amd",
        "dispositions",
    )
    settings = {k: v[k] for k in plain}
    settings["window"] = {
        d: [r.strip() for r in v[f"window_{d}"].split(",") if r.strip()]
        for d in WEEKDAYS
        if v[f"window_{d}"]
    }
    rules = {}
    for o in RETRIED:
        delay, most = v[f"retry_{o}_delay"], v[f"retry_{o}_max"]
        if (delay is None) != (most is None):
            result.errors[f"retry_{o}_max"] = _("Give both the delay and the most attempts.")
        elif delay is not None:
            rules[str(o)] = [delay * 60, most]
    settings["retry_policy"] = {
        "rules": rules,
        "until_connected": v["until_connected"],
        "max_attempts": v["max_attempts"],
        "default_delay_seconds": v["default_delay"] * 60,
    }
    return settings


def _check(result: FormResult, settings: dict[str, Any], row: Campaign | None) -> None:
    """Add the errors across fields: who takes the calls, a unique name, a window that reads."""
    mode = settings["mode"]
    if mode == Mode.AGENTLESS and not settings["flow"]:
        result.errors["flow"] = _("An agentless campaign plays an IVR flow: choose one.")
    if mode != Mode.AGENTLESS and not settings["queue"] and not settings["agents"]:
        result.errors["queue"] = _("Choose a queue or list agents to take the calls.")
    same = Campaign.select().where(Campaign.name == settings["name"])
    if row is not None:
        same = same.where(Campaign.id != row.id)
    if same.exists():
        result.errors["name"] = _("Another campaign has this name.")
    if not settings["window"]:
        result.errors["window_mon"] = _("Open the window on at least one day.")
    for d in WEEKDAYS:
        if d in settings["window"]:
            try:
                parse_window({d: settings["window"][d]})
            except ValueError:
                result.errors[f"window_{d}"] = _("Write ranges as 09:00-12:00, 13:30-20:00.")
    if result.ok:
        try:
            store.campaign_for(Campaign(**settings))
        except ValueError as exc:
            result.errors["max_attempts"] = str(exc)
