"""Check a loaded profile: its shape (JSON Schema) and the rules across sections.

Every problem is a ProfileError naming the line; `check` raises ProfileInvalid with
all of them, first line first, so a reseller fixes a profile in one pass.
"""

from __future__ import annotations

import base64
import binascii
import zoneinfo
from collections.abc import Iterator
from typing import Any

import argon2
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from appliance.callflow.flow.validate import Known, validate
from appliance.callflow.hours_schema import parse_schedule
from provisioning.profiles.exceptions import ProfileError
from provisioning.profiles.loader import LoadedProfile, Path_
from provisioning.profiles.schemas import ARGON2, EXTENSION, HOSTNAME, MAC, SCHEMA

_VALIDATOR = Draft202012Validator(SCHEMA)
UNIQUE = {"trunks": "name", "agents": "extension", "queues": "name", "business_hours": "name",
          "ivr_flows": "name", "numbers": "number"}  # fmt: skip

PATTERN_MESSAGES = {
    ARGON2: "must be an argon2 hash (`callbox provision hash-password` prints one), never a "
    "plain password",
    MAC: "is not a MAC address (12 hex digits, e.g. 80:5E:C0:12:34:56)",
    EXTENSION: 'must be an extension of 2 to 8 digits (quote it: "1001")',
    HOSTNAME: "is not a host name (letters, digits and -, up to 63)",
}


class ProfileInvalid(ProfileError):
    """A profile with problems; `problems` holds each, the message the first and a count."""

    def __init__(self, problems: list[ProfileError]) -> None:
        """Keep every problem; the message is the first one's with the count of the rest."""
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(first.reason + more, first.source, first.line)
        self.problems = problems


def check(profile: LoadedProfile) -> None:
    """Raise ProfileInvalid listing every problem of the profile; return if it has none."""
    problems = [_schema_problem(profile, e) for e in _VALIDATOR.iter_errors(profile.data)]
    if not problems:  # cross-section rules assume the shape is right
        problems = list(_cross_problems(profile))
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise ProfileInvalid(problems)


def normalise_mac(text: str) -> str:
    """Return a MAC address as 12 lowercase hex digits (the form phones ask for files by)."""
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def _schema_problem(profile: LoadedProfile, error: ValidationError) -> ProfileError:
    """Return a JSON Schema error as a ProfileError at the line of the value."""
    path: Path_ = tuple(error.absolute_path)
    message = error.message
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = schema.get("properties", {})
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            path = (*path, extra[0])
            message = f"unknown key (known: {', '.join(allowed)})"
    elif error.validator == "pattern":
        pattern = str(schema.get("pattern"))
        message = PATTERN_MESSAGES.get(
            pattern, f"{_short(error.instance)} does not match {pattern}"
        )
    return profile.error(path, message)


def _short(value: object) -> str:
    """Return a value's repr cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _cross_problems(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield the problems across sections: duplicates, unknown names, bad hashes and flows."""
    data = profile.data
    yield from _duplicates(profile)
    agents = {a["extension"] for a in data.get("agents", [])}
    yield from _members(profile, agents)
    yield from _numbers(profile, agents)
    yield from _admin(profile)
    yield from _logo(profile)
    yield from _network(profile)
    yield from _backup(profile)
    yield from _locale(profile)
    yield from _hours(profile)
    yield from _flows(profile)
    yield from _macs(profile)


def _duplicates(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield entries whose name is given twice in one section."""
    for section, key in UNIQUE.items():
        seen: set[str] = set()
        for index, item in enumerate(profile.data.get(section, [])):
            if item[key] in seen:
                yield profile.error((section, index, key), f"{item[key]!r} is given twice")
            seen.add(item[key])


def _members(profile: LoadedProfile, agents: set[str]) -> Iterator[ProfileError]:
    """Yield queue members that are not agents of the profile."""
    for q, queue in enumerate(profile.data.get("queues", [])):
        for m, member in enumerate(queue.get("members", [])):
            if member not in agents:
                yield profile.error(("queues", q, "members", m), f"no agent {member} in agents")


def _numbers(profile: LoadedProfile, agents: set[str]) -> Iterator[ProfileError]:
    """Yield inbound numbers whose trunk or target is not in the profile."""
    data = profile.data
    known = {
        "ivr": {f["name"] for f in data.get("ivr_flows", [])},
        "queue": {q["name"] for q in data.get("queues", [])},
        "agent": agents,
    }
    trunks = {t["name"] for t in data.get("trunks", [])}
    for index, number in enumerate(data.get("numbers", [])):
        if "trunk" in number and number["trunk"] not in trunks:
            yield profile.error(("numbers", index, "trunk"), f"no trunk {number['trunk']!r}")
        kind, _, name = number["target"].partition(":")
        if kind in known and name not in known[kind]:
            yield profile.error(("numbers", index, "target"), f"no {kind} {name!r} in the profile")


def _admin(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield an admin password hash that argon2 cannot read."""
    admin = profile.data.get("admin")
    if admin:
        try:
            argon2.extract_parameters(admin["password_hash"])
        except argon2.exceptions.InvalidHashError:
            yield profile.error(("admin", "password_hash"), "is not a whole argon2 hash "
                                "(`callbox provision hash-password` prints one)")  # fmt: skip


def _logo(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield a logo whose base64 does not decode."""
    logo = profile.data.get("branding", {}).get("logo")
    if logo:
        try:
            base64.b64decode(logo.partition(",")[2], validate=False)
        except (binascii.Error, ValueError):
            yield profile.error(("branding", "logo"), "the base64 image does not decode")


def _network(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield a static network without its address or gateway."""
    network = profile.data.get("network", {})
    if network.get("mode") == "static":
        for key in ("address", "gateway"):
            if key not in network:
                yield profile.error(("network",), f"a static network needs '{key}'")


BACKUP_NEEDS = {"local": ("path",), "usb": ("label",), "sftp": ("host", "user", "path", "host_key")}


def _backup(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield what the backup target lacks for its kind, a relative folder, a bad host key."""
    backup = profile.data.get("backup") or {}
    kind = backup.get("target", "")
    for key in BACKUP_NEEDS.get(kind, ()):
        if not backup.get(key):
            yield profile.error(("backup",), f"a {kind} backup target needs '{key}'")
    if kind == "local" and backup.get("path") and not backup["path"].startswith("/"):
        yield profile.error(("backup", "path"), "must be an absolute path on the box")
    if kind == "sftp" and backup.get("host_key"):
        from appliance.backup.targets.base import TargetUnavailable
        from appliance.backup.targets.sftp import parse_host_key  # paramiko: only when needed

        try:
            parse_host_key(backup["host_key"])
        except TargetUnavailable as exc:
            yield profile.error(("backup", "host_key"), f"is not an SSH public host key ({exc})")


def _locale(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield a time zone the box does not know."""
    timezone = (profile.data.get("locale") or {}).get("timezone")
    if timezone is not None and timezone not in zoneinfo.available_timezones():
        yield profile.error(("locale", "timezone"), f"{timezone!r} is not a known time zone "
                            "(a name like Asia/Shanghai)")  # fmt: skip


def _hours(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield business hours the schedule reader refuses (time zone, ranges, holidays)."""
    for index, hours in enumerate(profile.data.get("business_hours", [])):
        try:
            parse_schedule({"weekly": {}, **hours})
        except (KeyError, ValueError) as exc:
            message = str(exc).strip("\"'")
            named = [key for key in hours if key != "name" and key in message]
            yield profile.error(("business_hours", index, *named[:1]), message)


def _flows(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield the problems the IVR validator finds in each flow."""
    data = profile.data
    queues = {q["name"] for q in data.get("queues", [])}
    known = Known(schedules={h["name"] for h in data.get("business_hours", [])},
                  extensions={a["extension"] for a in data.get("agents", [])})  # fmt: skip
    for index, flow in enumerate(data.get("ivr_flows", [])):
        for problem in validate(flow["graph"], lambda _name: True, queues, known=known):
            node: Path_ = ("nodes", problem.node) if problem.node else ()
            yield profile.error(("ivr_flows", index, "graph", *node), str(problem))


def _macs(profile: LoadedProfile) -> Iterator[ProfileError]:
    """Yield phone MAC addresses given to two agents."""
    seen: set[str] = set()
    for index, agent in enumerate(profile.data.get("agents", [])):
        phone: dict[str, Any] = agent.get("phone") or {}
        mac = normalise_mac(phone.get("mac", ""))
        if mac and mac in seen:
            yield profile.error(("agents", index, "phone", "mac"), f"{mac} is given twice")
        seen.add(mac)
