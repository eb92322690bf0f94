"""The alert banner's sentences for line boards (appliance/health/checks/boards.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from web.i18n import _

Params = dict[str, Any]


def _why_not_started(state: str) -> str:
    """Return why a board did not start, in the page's language."""
    reasons = {"invalid": _("its settings are wrong"),
               "unavailable": _("its hardware or driver is not found"),
               "failed": _("it failed to start")}  # fmt: skip
    return reasons.get(state, state)


def _problem(problem: str) -> str:
    """Return one port problem in the page's language."""
    names = {"sim_missing": _("no SIM card"), "sim_locked": _("the SIM card is locked"),
             "no_signal": _("no signal"), "not_registered": _("not on the mobile network"),
             "not_answering": _("the module does not answer"),
             "bad_response": _("the module gives garbled answers"),
             "device_lost": _("the device was unplugged"),
             "alarm_removed": _("the device was unplugged"),
             "sms_unread": _("an SMS could not be read"), "not_opened": _("not started"),
             "alarm_red": _("red alarm"), "alarm_yellow": _("yellow alarm"),
             "alarm_blue": _("blue alarm")}  # fmt: skip
    return names.get(problem, _("line alarm") if problem.startswith("alarm_") else problem)


BOARD_TEXTS: dict[str, Callable[[Params], str]] = {
    "board_not_started": lambda p: _("Line board %(board)s is not working: %(why)s.",
                                     board=p["board"], why=_why_not_started(p["state"])),
    "board_port_down": lambda p: _("Line %(port)s cannot carry calls: %(problems)s.",
                                   port=p["port"],
                                   problems=" / ".join(_problem(x) for x in p["problems"])),
    "sipgw_line_unregistered": lambda p: _("Gateway line %(port)s is not registered: no calls "
                                           "can come in or go out on it.", port=p["port"]),
    "sipgw_no_agent": lambda p: _("Gateway port %(port)s is for extension %(extension)s, "
                                  "which no agent has: its phone cannot register.",
                                  port=p["port"], extension=p["extension"]),
    "sipgw_invalid": lambda p: _("Gateway %(board)s has wrong settings and is not used.",
                                 board=p["board"]),
}  # fmt: skip
