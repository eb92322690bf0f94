"""Check the wizard's forms: each returns the cleaned values and one message per bad field.

Only format is checked here; what depends on the store (a duplicate extension, a
queue name in use) is checked by the services.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from werkzeug.datastructures import MultiDict

from web.i18n import _
from web.setup import const

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
HOST = re.compile(r"^[A-Za-z0-9.:_-]+$")
EXTENSION = re.compile(r"^[1-9][0-9]{1,7}$")
NUMBER = re.compile(r"^\+?[0-9]{1,32}$")


@dataclass
class Checked:
    """A form's cleaned values and its errors by field name."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return true if no field is wrong."""
        return not self.errors


def _text(form: MultiDict[str, str], checked: Checked, name: str, limit: int) -> str:
    """Return the trimmed field, noting an error if it is empty or longer than limit."""
    value = form.get(name, "").strip()
    if not value:
        checked.errors[name] = _("This field is required.")
    elif len(value) > limit:
        checked.errors[name] = _("At most %(limit)s characters.", limit=limit)
    checked.values[name] = value
    return value


def _pattern(checked: Checked, name: str, pattern: re.Pattern[str], message: str) -> None:
    """Note message for name unless its value (already required) matches pattern."""
    if name not in checked.errors and not pattern.match(checked.values[name]):
        checked.errors[name] = message


def _integer(checked: Checked, name: str, low: int, high: int) -> int | None:
    """Return the field as a whole number in [low, high], or note an error."""
    text = checked.values.get(name, "")
    if name in checked.errors:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        checked.errors[name] = _(
            "Enter a whole number from %(low)s to %(high)s.", low=low, high=high
        )
        return None
    return int(text)


def admin(form: MultiDict[str, str]) -> Checked:
    """Check the administrator form (username, password twice)."""
    checked = Checked({})
    _text(form, checked, "username", 64)
    _pattern(checked, "username", USERNAME, _("Use letters, digits and . _ @ - only."))
    password = form.get("password", "")
    if len(password) < const.PASSWORD_MIN:
        checked.errors["password"] = _(
            "Use at least %(count)s characters.", count=const.PASSWORD_MIN
        )
    elif len(password) > const.PASSWORD_MAX:
        checked.errors["password"] = _("At most %(limit)s characters.", limit=const.PASSWORD_MAX)
    elif password != form.get("confirm", ""):
        checked.errors["confirm"] = _("The two passwords differ.")
    checked.values["password"] = password
    return checked


@cache
def time_zones() -> list[str]:
    """Return the IANA time zone names, sorted."""
    return sorted(zoneinfo.available_timezones())


def locale(form: MultiDict[str, str]) -> Checked:
    """Check the language and time zone form."""
    checked = Checked({})
    if _text(form, checked, "language", 16) and checked.values["language"] not in const.LANGUAGES:
        checked.errors["language"] = _("Choose one of the languages listed.")
    if _text(form, checked, "timezone", 64) and checked.values["timezone"] not in time_zones():
        checked.errors["timezone"] = _("Not a known time zone: use a name like Asia/Shanghai.")
    return checked


def trunk(form: MultiDict[str, str], has_password: bool) -> Checked:
    """Check the trunk form; a registration needs a username and (once) a password."""
    checked = Checked({})
    kind = _text(form, checked, "kind", 16)
    if kind and kind not in const.TRUNK_KINDS:
        checked.errors["kind"] = _("Choose registration or IP peer.")
    _text(form, checked, "name", 32)
    _pattern(checked, "name", NAME, _("Use lowercase letters, digits, - and _ only."))
    _text(form, checked, "host", 253)
    _pattern(checked, "host", HOST, _("Enter a host name or an IP address."))
    _text(form, checked, "port", 5)
    checked.values["port"] = _integer(checked, "port", 1, 65535)
    checked.values["username"] = form.get("username", "").strip()[:64]
    checked.values["password"] = form.get("password", "")[:128]
    if kind == "register":
        if not checked.values["username"]:
            checked.errors["username"] = _("A registration needs the carrier's username.")
        if not checked.values["password"] and not has_password:
            checked.errors["password"] = _("A registration needs the carrier's password.")
    return checked


def agents(form: MultiDict[str, str]) -> Checked:
    """Check the bulk add form: an extension range and optional names, one per line."""
    checked = Checked({"names": form.get("names", "")})
    for name in ("first", "last"):
        _text(form, checked, name, 8)
        _pattern(checked, name, EXTENSION, _("Extensions are 2 to 8 digits, not starting with 0."))
    if checked.ok:
        _range(checked)
    names = [line.strip() for line in checked.values["names"].splitlines()]
    if any(len(name) > 64 for name in names):
        checked.errors["names"] = _("A name has at most %(limit)s characters.", limit=64)
    elif checked.ok and len([n for n in names if n]) > len(checked.values["extensions"]):
        checked.errors["names"] = _("More names than extensions in the range.")
    checked.values["name_list"] = names
    return checked


def _range(checked: Checked) -> None:
    """Set the extensions of the range, or note why the range is wrong."""
    first, last = int(checked.values["first"]), int(checked.values["last"])
    if last < first:
        checked.errors["last"] = _("The last extension comes before the first.")
    elif last - first + 1 > const.MAX_AGENTS:
        checked.errors["last"] = _("At most %(count)s agents at once.", count=const.MAX_AGENTS)
    width = len(checked.values["first"])
    checked.values["extensions"] = [str(e).zfill(width) for e in range(first, last + 1)]


def queue(form: MultiDict[str, str], agents: list[str]) -> Checked:
    """Check the queue form: name, title, strategy and member extensions."""
    checked = Checked({"members": form.getlist("members")})
    _text(form, checked, "name", 32)
    _pattern(checked, "name", NAME, _("Use lowercase letters, digits, - and _ only."))
    _text(form, checked, "title", 64)
    if _text(form, checked, "strategy", 32) and checked.values["strategy"] not in const.STRATEGIES:
        checked.errors["strategy"] = _("Choose one of the strategies listed.")
    if not checked.values["members"]:
        checked.errors["members"] = _("Choose at least one agent.")
    elif set(checked.values["members"]) - set(agents):
        checked.errors["members"] = _("Choose agents from the list.")
    return checked


def ivr(form: MultiDict[str, str], queues: list[str]) -> Checked:
    """Check the IVR template form: the number callers dial and the queues of keys 1 and 2."""
    checked = Checked({})
    _text(form, checked, "number", 32)
    _pattern(checked, "number", NUMBER, _("Digits only, optionally starting with +."))
    for key in ("sales", "support"):
        if _text(form, checked, key, 32) and checked.values[key] not in queues:
            checked.errors[key] = _("Choose one of the queues listed.")
    if (
        _text(form, checked, "language", 8)
        and checked.values["language"] not in const.IVR_LANGUAGES
    ):
        checked.errors["language"] = _("Choose one of the languages listed.")
    return checked
