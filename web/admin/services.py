"""Admin changes: write the store, have the engine apply it, audit it; undo what it refuses.

The engine reads its configuration from the store on `reload`, so a change is
committed first and the engine asked second.  When the engine refuses it
(`bad-config`, with its reason) the change is undone from the snapshot taken
before it, so the store never says one thing while the engine runs another, and
the page shows the engine's words.  When the engine is not running the change is
kept: the engine reads it when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from appliance.store.database import db
from web.admin import audit
from web.admin.areas.base import Area
from web.context import current_settings
from web.i18n import _

RELOAD_TIMEOUT = 10.0


class Refused(Exception):
    """The change was not made; message says why (the engine's words or who uses it)."""


@dataclass
class Saved:
    """A change that was made: the object and a note for the person (engine down...)."""

    obj: Any
    note: str = ""


def engine_call(cmd: str, **args: Any) -> Any:
    """Run one engine command (ControlError and EngineUnavailable pass through)."""
    return ControlClient(current_settings().engine.control_socket, RELOAD_TIMEOUT).call(cmd, **args)


def reload_engine() -> str:
    """Ask the engine to apply the store; return a note when it is not running.

    Raise ControlError when the engine refuses the configuration.
    """
    try:
        engine_call("reload")
    except EngineUnavailable:
        return _("Saved. The engine is not running: the change applies when it starts.")
    return ""


def _apply(area: Area, undo: Any) -> str:
    """Have the engine apply a committed change; run undo and raise Refused if it refuses."""
    if not area.reloads_engine:
        return ""
    try:
        return reload_engine()
    except ControlError as exc:
        with db.atomic():
            undo()
        raise Refused(
            _("The engine refused the change, nothing was saved: %(why)s", why=exc)
        ) from None


def save(area: Area, obj: Any | None, values: dict[str, Any]) -> Saved:
    """Create (obj None) or update obj from values; raise Refused if the engine refuses."""
    before = area.describe(obj) if obj is not None else None
    snap = area.snapshot(obj) if obj is not None else None
    with db.atomic():
        obj = area.write(obj, values)
    created = obj

    def undo() -> None:
        """Remove what was created, or put back what was updated."""
        if snap is None:
            created.delete_instance()
        else:
            area.restore(snap)

    note = _apply(area, undo)
    after = area.describe(obj)
    audit.record(area.name, area.key(obj), "update" if before else "create", before, after)
    return Saved(obj, note)


def delete(area: Area, obj: Any) -> Saved:
    """Delete obj unless something uses it; raise Refused naming who does."""
    users = area.in_use(obj)
    if users:
        raise Refused(
            _("%(key)s is still used by: %(users)s.", key=area.key(obj), users="; ".join(users))
        )
    before, snap = area.describe(obj), area.snapshot(obj)
    with db.atomic():
        obj.delete_instance()
    note = _apply(area, lambda: area.restore(snap))
    audit.record(area.name, area.key(obj), "delete", before, None)
    return Saved(obj, note)
