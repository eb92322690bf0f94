"""The dialer's words in the user's language: modes, statuses, outcomes, import problems."""

from __future__ import annotations

from typing import Any

from web.i18n import lazy_gettext as _l

MODES: dict[str, Any] = {
    "preview": _l("Preview"),
    "progressive": _l("Progressive"),
    "predictive": _l("Predictive"),
    "agentless": _l("Agentless (IVR flow)"),
}
STATUSES: dict[str, Any] = {
    "draft": _l("Draft"),
    "running": _l("Running"),
    "paused": _l("Paused"),
    "stopped": _l("Stopped"),
    "finished": _l("Finished"),
}
OUTCOMES: dict[str, Any] = {
    "connected": _l("Connected"),
    "busy": _l("Busy"),
    "no_answer": _l("No answer"),
    "failed": _l("Failed"),
    "machine": _l("Answering machine"),
    "dropped": _l("Dropped"),
    "": _l("Not called yet"),
}
PROBLEMS: dict[str, Any] = {
    "blank": _l("Empty row"),
    "no_number": _l("No number"),
    "bad_number": _l("Not a phone number"),
    "invalid_number": _l("No such number"),
    "duplicate_in_file": _l("Repeats an earlier row"),
    "already_in_list": _l("Already in the campaign"),
    "bad_timezone": _l("Unknown time zone"),
    "cut_off": _l("The file ends inside this row"),
}
# The dispositions an agent chooses from when a campaign names none of its own.
DEFAULT_DISPOSITIONS: dict[str, Any] = {
    "interested": _l("Interested"),
    "not_interested": _l("Not interested"),
    "call_back": _l("Call back later"),
    "wrong_number": _l("Wrong number"),
    "do_not_call": _l("Asked not to be called"),
    "other": _l("Other"),
}


def disposition_choices(own: list[str]) -> list[tuple[str, str]]:
    """Return (code, label) of a campaign's dispositions: its own list, else the default set."""
    if own:
        return [(code, code) for code in own]
    return [(code, str(label)) for code, label in DEFAULT_DISPOSITIONS.items()]


def label(table: dict[str, Any], key: str) -> str:
    """Return the label of key in table, or key itself when it has none."""
    return str(table.get(key, key))
