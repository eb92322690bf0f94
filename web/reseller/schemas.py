"""The unit registration form and the list's query parameters, checked."""

from __future__ import annotations

import re
from collections.abc import Mapping

from web.i18n import _
from web.reseller.services import SORTS, UnitFilter

SERIAL = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # as a profile's unit.serial
TOKEN = re.compile(r"^[A-Za-z0-9_-]{24,128}$")
MAX_LABEL = 100
HEALTHS = ("ok", "warning", "critical", "stale")


def check_unit_form(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Return the form's values and an error per bad field."""
    values = {k: form.get(k, "").strip() for k in ("serial", "label", "token")}
    errors = {}
    if not SERIAL.match(values["serial"]):
        errors["serial"] = _("A serial of letters, digits, dot, dash or underscore (at most 64).")
    if len(values["label"]) > MAX_LABEL:
        errors["label"] = _("At most %(n)d characters.", n=MAX_LABEL)
    if values["token"] and not TOKEN.match(values["token"]):
        errors["token"] = _("At least 24 letters, digits, dashes or underscores; "
                            "or leave it empty for a new random token.")  # fmt: skip
    return values, errors


def unit_filter(args: Mapping[str, str]) -> UnitFilter:
    """Return the list's filter and order from the query string (unknown values ignored)."""
    sort = args.get("sort", "serial")
    health = args.get("health", "")
    return UnitFilter(
        text=args.get("q", "")[:100],
        health=health if health in HEALTHS else "",
        version=args.get("version", "")[:64],
        sort=sort if sort in SORTS else "serial",
        descending=args.get("order") == "desc",
    )
