"""The profile's JSON Schema: the shape of every section (`callbox provision schema` prints it).

JSON Schema (the `jsonschema` library) rather than hand-written checks: the same
document validates here and in a reseller's editor (YAML language servers read it),
and its errors carry the path of the value, which `validate` turns into a line.
Rules across sections (a queue member must be an agent) are in `validate.py`.
"""

from __future__ import annotations

from typing import Any

from appliance.callflow.strategies import STRATEGIES

PROFILE_VERSION = 1
NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"
EXTENSION = r"^[0-9]{2,8}$"
MAC = r"^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$"
COLOUR = r"^#[0-9a-fA-F]{6}$"
HOSTNAME = r"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
ARGON2 = r"^\$argon2(id|i|d)\$"
LOGO = r"^data:image/(png|svg\+xml|jpeg);base64,[A-Za-z0-9+/=\s]+$"
DISK_LABEL = r"^[A-Za-z0-9_.-]{1,16}$"
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
LANGUAGES = ("en", "zh_CN")  # the web UI's (web/i18n.py); prompts follow (zh_CN: zh)
MAX_LOGO_CHARS = 400_000  # about 300 KB of image


def _obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return an object schema that refuses keys it does not name (typos fail loudly)."""
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False}  # fmt: skip


def _text(pattern: str = "", max_length: int = 255) -> dict[str, Any]:
    """Return a string schema."""
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if pattern:
        schema["pattern"] = pattern
    return schema


def _list(item: dict[str, Any]) -> dict[str, Any]:
    """Return an array schema."""
    return {"type": "array", "items": item}


def _int(minimum: int, maximum: int) -> dict[str, Any]:
    """Return an integer schema with bounds."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


# A phone of null (or none at all) takes the agent's desk phone off (manager: the diff shows it).
PHONE = {**_obj(
    {"mac": _text(MAC), "vendor": {"enum": ["yealink", "grandstream", "fanvil", "snom", "poly"]},
     "model": _text(max_length=64)},
    ("mac", "vendor"),
), "type": ["object", "null"]}  # fmt: skip
AGENT = _obj(
    {"extension": _text(EXTENSION), "name": _text(max_length=64),
     "sip_password": _text(r"^\S{8,64}$"), "auto_ready": {"type": "boolean"},
     "wrap_up_seconds": _int(0, 3600),
     "call_class": {"enum": ["internal", "local", "national", "international"]},
     "phone": PHONE},
    ("extension", "name"),
)  # fmt: skip
QUEUE = _obj(
    {"name": _text(NAME), "title": _text(max_length=100),
     "strategy": {"enum": sorted(STRATEGIES)},
     "ring_seconds": _int(5, 300), "max_wait_seconds": _int(10, 86400),
     "wrap_up_seconds": _int(0, 3600), "record": {"type": "boolean"},
     "members": _list(_text(EXTENSION))},
    ("name",),
)  # fmt: skip
TRUNK = _obj(
    {"name": _text(NAME), "kind": {"enum": ["peer", "register"]}, "host": _text(max_length=253),
     "port": _int(1, 65535), "username": _text(max_length=64), "password": _text(max_length=128),
     "max_channels": _int(0, 10000), "enabled": {"type": "boolean"}},
    ("name", "host"),
)  # fmt: skip
HOURS = _obj(
    {"name": _text(NAME), "timezone": _text(max_length=64),
     "weekly": {"type": "object", "propertyNames": {"enum": ["mon", "tue", "wed", "thu", "fri",
                                                             "sat", "sun"]},
                "additionalProperties": _list(_text(r"^\d\d:\d\d-\d\d:\d\d$"))},
     "holidays": {"type": "array"}, "workdays": {"type": "array"}},
    ("name", "timezone"),
)  # fmt: skip
BACKUP = _obj(
    {"target": {"enum": ["local", "usb", "sftp"]}, "path": _text(),
     "label": _text(DISK_LABEL), "host": _text(max_length=253), "port": _int(1, 65535),
     "user": _text(max_length=64), "host_key": _text(max_length=4000),
     "key_file": _text(), "keep": _int(2, 365),
     "frequency": {"enum": ["daily", "weekly", "monthly"]}, "at": _text(CLOCK),
     "weekday": _int(0, 6), "day_of_month": _int(1, 28), "recordings": {"type": "boolean"}},
    ("target",),
)  # fmt: skip
FLOW = _obj({"name": _text(NAME), "graph": {"type": "object"}}, ("name", "graph"))
NUMBER = _obj(
    {"number": _text(r"^\+?[0-9]{1,20}$"), "trunk": _text(NAME),
     "target": _text(r"^(ivr|queue|agent|group):\S+$")},
    ("number", "target"),
)  # fmt: skip

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "callbox unit profile",
    **_obj(
        {
            "version": {"const": PROFILE_VERSION},
            "unit": _obj({"serial": _text(r"^[A-Za-z0-9._-]{1,64}$"),
                          "hostname": _text(HOSTNAME)}, ("serial", "hostname")),
            "branding": _obj({"name": _text(max_length=64),
                              "logo": {**_text(LOGO, MAX_LOGO_CHARS)},
                              "colours": _obj({"primary": _text(COLOUR),
                                               "accent": _text(COLOUR)})}, ("name",)),
            "network": _obj({"mode": {"enum": ["dhcp", "static"]},
                             "address": _text(r"^[0-9.]+/[0-9]{1,2}$"),
                             "gateway": _text(r"^[0-9.]+$"),
                             "dns": _list(_text(r"^[0-9a-fA-F.:]+$"))}, ("mode",)),
            "admin": _obj({"username": _text(r"^[A-Za-z0-9._-]{1,64}$"),
                           "password_hash": _text(ARGON2, 512)}, ("username", "password_hash")),
            "trunks": _list(TRUNK),
            "agents": _list(AGENT),
            "queues": _list(QUEUE),
            "business_hours": _list(HOURS),
            "ivr_flows": _list(FLOW),
            "numbers": _list(NUMBER),
            "backup": BACKUP,
            "locale": _obj({"timezone": _text(max_length=64),
                            "language": {"enum": list(LANGUAGES)}}),
        },
        ("version", "unit"),
    ),
}  # fmt: skip
