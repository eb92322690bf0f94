"""Checking what agents submit: customer records, wrap-ups, contacts and messages.

Each `check_*` returns (clean values, errors by field); the form is shown again
with what was typed and the errors, so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from web.i18n import lazy_gettext as _l

NUMBER = re.compile(r"\+?[0-9][0-9\s\-().]{1,30}")
MAX_TEXT = 255
MAX_NOTE = 2000
MAX_MESSAGE = 1000
MAX_VIP = 9
CUSTOMER_FIELDS = ("number", "name", "company", "other_numbers", "address", "vip", "owner", "notes")

Errors = dict[str, Any]
OUTCOMES = {  # appliance.callflow.const.Outcome, as agents read it
    "answered": _l("Answered"),
    "abandoned": _l("Abandoned"),
    "interrupted": _l("Interrupted"),
    "failed": _l("Not connected"),
    "voicemail": _l("Voicemail"),
    "callback": _l("Callback"),
    "forwarded": _l("Forwarded"),
}


def text(form: Mapping[str, str], name: str) -> str:
    """Return a form field stripped ("" when missing)."""
    return str(form.get(name, "")).strip()


def valid_number(value: str) -> bool:
    """Return true for a phone number or an extension (digits, +, spaces, dashes)."""
    return bool(NUMBER.fullmatch(value))


def too_long(values: dict[str, Any], errors: Errors, limits: Mapping[str, int]) -> None:
    """Add an error for every field longer than its limit."""
    for name, limit in limits.items():
        if len(str(values.get(name, ""))) > limit:
            errors[name] = _l("At most %(count)d characters.", count=limit)


def check_customer(form: Mapping[str, str], agents: set[str]) -> tuple[dict[str, Any], Errors]:
    """Return a customer record's values and the errors in them."""
    values: dict[str, Any] = {name: text(form, name) for name in CUSTOMER_FIELDS}
    errors: Errors = {}
    if not valid_number(values["number"]):
        errors["number"] = _l("Enter a phone number.")
    others = [n.strip() for n in values["other_numbers"].split(",") if n.strip()]
    if any(not valid_number(n) for n in others):
        errors["other_numbers"] = _l("Enter phone numbers separated by commas.")
    values["other_numbers"] = ", ".join(others)
    if not values["vip"].isdigit() or int(values["vip"]) > MAX_VIP:
        if values["vip"]:
            errors["vip"] = _l("Enter a tier from 0 to %(max)d.", max=MAX_VIP)
        else:
            values["vip"] = "0"
    if values["owner"] and values["owner"] not in agents:
        errors["owner"] = _l("No agent has this extension.")
    limits = {n: MAX_TEXT for n in ("number", "name", "company", "other_numbers")}
    too_long(values, errors, {**limits, "address": MAX_NOTE, "notes": MAX_NOTE})
    return values, errors


def check_wrap_up(form: Mapping[str, str], codes: set[str]) -> tuple[dict[str, str], Errors]:
    """Return a wrap-up's call, disposition code and note, and the errors in them."""
    values = {name: text(form, name) for name in ("call_id", "code", "note")}
    errors: Errors = {}
    if not values["call_id"] or len(values["call_id"]) > 64:
        errors["call_id"] = _l("Choose the call to wrap up.")
    if values["code"] not in codes:
        errors["code"] = _l("Choose a disposition.")
    too_long(values, errors, {"note": MAX_NOTE})
    return values, errors


def check_contact(form: Mapping[str, str]) -> tuple[dict[str, str], Errors]:
    """Return an address book entry's values and the errors in them."""
    values = {name: text(form, name) for name in ("name", "number", "note")}
    errors: Errors = {}
    if not values["name"]:
        errors["name"] = _l("Enter a name.")
    if not valid_number(values["number"]):
        errors["number"] = _l("Enter a phone number.")
    too_long(values, errors, {"name": MAX_TEXT, "note": MAX_TEXT})
    return values, errors


def check_message(form: Mapping[str, str], users: set[str]) -> tuple[dict[str, str], Errors]:
    """Return an internal message's recipient and body, and the errors in them."""
    values = {name: text(form, name) for name in ("recipient", "body")}
    errors: Errors = {}
    if values["recipient"] not in users:
        errors["recipient"] = _l("Choose who gets the message.")
    if not values["body"]:
        errors["body"] = _l("Write a message.")
    too_long(values, errors, {"body": MAX_MESSAGE})
    return values, errors
