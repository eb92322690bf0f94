"""Plan and apply a profile: the diff between the box and the profile, then the writes.

`plan` reads the profile and the box and returns the changes (empty: the box already
matches, which is what re-applying a profile shows).  `apply` writes them in one
store transaction, so a failure leaves the store as it was, then asks the engine to
reload (it re-reads the store and syncs Kamailio's subscribers) and writes the unit's
record.  An engine that is not running reads the store when it starts; a running one
that refuses the configuration gets the old one back: the changes are undone from
the plan's old values (an IVR flow's old graph comes back as a new version).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from appliance.store.database import db
from appliance.store.models import Agent
from provisioning.profiles import locale, unit, validate
from provisioning.profiles.backup_section import Backup
from provisioning.profiles.exceptions import ProfileError
from provisioning.profiles.loader import LoadedProfile, load_text
from provisioning.profiles.sections import SECTIONS, Section
from provisioning.profiles.validate import normalise_mac

log = logging.getLogger(__name__)
STORE_SECTIONS: list[Section] = [*SECTIONS, Backup()]
RELOAD_TIMEOUT = 15.0
RESTART_NOTE = "the time zone and language take effect when callbox restarts"
SHORT = 60  # longer values are shown as "(changed)" in the diff


@dataclass(frozen=True)
class Change:
    """One object the profile creates or changes, with each changed field's old and new value."""

    label: str
    key: str
    created: bool
    fields: dict[str, tuple[Any, Any]]
    secrets: frozenset[str] = frozenset()

    def line(self) -> str:
        """Return the change as one diff line (secrets masked)."""
        sign = "+" if self.created else "~"
        parts = [self._field(name, old, new) for name, (old, new) in self.fields.items()]
        return f"{sign} {self.label} {self.key}: " + "; ".join(parts)

    def _field(self, name: str, old: Any, new: Any) -> str:
        """Return one field's change as text."""
        if name in self.secrets:
            return f"{name} (secret)" if self.created else f"{name} (secret changed)"
        shown = _short(new)
        return f"{name} {shown}" if self.created else f"{name} {_short(old)} → {shown}"


def _short(value: Any) -> str:
    """Return a value's repr, or "(...)" when it is long."""
    text = repr(value)
    return text if len(text) <= SHORT else "(...)"


@dataclass
class Plan:
    """What applying a profile would change."""

    profile: LoadedProfile
    changes: list[tuple[Section | None, Change, dict[str, Any]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Return true if the box already matches the profile."""
        return not self.changes

    def lines(self) -> list[str]:
        """Return the diff, one line per object."""
        return [change.line() for _, change, _ in self.changes]


def read_profile(path: Path) -> LoadedProfile:
    """Return the valid profile at path; raise ProfileError (with the line) otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot be read ({exc})", str(path)) from None
    return parse(text, str(path))


def parse(text: str, source: str) -> LoadedProfile:
    """Return the valid profile in text."""
    profile = load_text(text, source)
    validate.check(profile)
    return profile


def plan(profile: LoadedProfile, settings: Settings) -> Plan:
    """Return the changes that would make the bound store and the unit match profile."""
    _phone_conflicts(profile)
    result = Plan(profile)
    for section in STORE_SECTIONS:
        for key, wanted in section.wanted(profile.data).items():
            change = _compare(section, key, wanted)
            if change is not None:
                result.changes.append((section, change, wanted))
    current = unit.read_unit(settings)
    for key, wanted in unit.wanted_unit(profile.data).items():
        if current.get(key) != wanted:
            change = Change("unit", key, key not in current, {key: (current.get(key), wanted)})
            result.changes.append((None, change, {}))
    _plan_locale(profile, result)
    return result


def _plan_locale(profile: LoadedProfile, result: Plan) -> None:
    """Add the locale's change to result, refusing one that cannot be written."""
    written = locale.current_locale()
    wanted = locale.wanted_locale(profile.data)
    changed = {k: (written.get(k), v) for k, v in wanted.items() if written.get(k) != v}
    if not changed:
        return
    problem = locale.writable()
    if problem:
        raise profile.error(("locale",), f"cannot be applied: {problem}")
    result.changes.append((None, Change("locale", "box", not written, changed), {}))


def _phone_conflicts(profile: LoadedProfile) -> None:
    """Refuse a phone MAC another agent of the box has and keeps (the profile does not move it)."""
    agents = profile.data.get("agents", [])
    macs = {a["extension"]: normalise_mac((a.get("phone") or {}).get("mac", "")) for a in agents}
    for index, agent in enumerate(agents):
        mac = macs[agent["extension"]]
        others = Agent.select().where(
            (Agent.phone_mac == mac) & (Agent.extension != agent["extension"])
        )
        for other in others if mac else []:
            if macs.get(other.extension, mac) == mac:
                where = ("agents", index, "phone", "mac")
                raise profile.error(where, f"is the phone of agent {other.extension} on this box")


def _compare(section: Section, key: str, wanted: dict[str, Any]) -> Change | None:
    """Return the change one object needs, None when the store already matches."""
    current = section.current(key)
    if current is None:
        fields = {name: (None, value) for name, value in wanted.items()}
        return Change(section.label, key, True, fields, section.secrets)
    changed = {n: (current.get(n), v) for n, v in wanted.items() if current.get(n) != v}
    return Change(section.label, key, False, changed, section.secrets) if changed else None


def apply(result: Plan, settings: Settings) -> str:
    """Write the plan's changes; return a note about the engine ("" when it reloaded).

    When the running engine refuses the new configuration, the store changes are
    undone (the box keeps running what it ran) and ProfileError says why.
    """
    with db.atomic():
        for section, change, wanted in result.changes:
            if section is not None:
                section.write(change.key, wanted, not change.created)
    try:
        note = reload_engine(settings)
    except ProfileError:
        with db.atomic():
            _undo(result)
        try:
            reload_engine(settings)  # the configuration it ran before, which it took then
        except ProfileError as again:
            log.warning("the engine refused the configuration from before the profile: %s", again)
        raise
    profile = result.profile  # the record names the profile applied last, and its hash
    unit.write_unit(settings, profile.data, profile.source, profile.sha256)
    if any(change.label == "locale" for section, change, _ in result.changes if section is None):
        locale.write_locale(locale.wanted_locale(profile.data))
        note = f"{note}; {RESTART_NOTE}" if note else RESTART_NOTE
    return note


def _undo(result: Plan) -> None:
    """Put the store back as it was before `apply` wrote the plan (last change first)."""
    for section, change, _ in reversed(result.changes):
        if section is None:
            continue
        if change.created:
            section.remove(change.key)
        else:
            section.write(change.key, {n: old for n, (old, _) in change.fields.items()}, True)


def reload_engine(settings: Settings) -> str:
    """Ask the engine to re-read the store; return a note when it is not running."""
    try:
        ControlClient(settings.engine.control_socket, RELOAD_TIMEOUT).call("reload")
    except EngineUnavailable:
        return "the engine is not running: it reads the new configuration when it starts"
    except ControlError as exc:
        raise ProfileError(f"the engine refused the profile, nothing was applied: {exc}") from None
    return ""
