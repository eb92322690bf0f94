"""The recording policy page: which queues' calls and which extensions' calls out are recorded.

One form for the whole policy, so an admin sees at a glance what is kept.  A queue's
`record` and an extension's `record_calls_out` are the store's columns; the engine
applies them on `reload` (a refused reload puts everything back).  The box-wide
`engine.record_calls` setting (configuration file) switches all recording off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appliance.engine.control import ControlError
from appliance.store.database import db
from appliance.store.models import Agent, Queue
from web.admin import audit
from web.admin.services import Refused, reload_engine
from web.i18n import _


def policy() -> dict[str, Any]:
    """Return the queues and extensions with what each records."""
    return {
        "queues": list(Queue.select().order_by(Queue.name)),
        "agents": list(Agent.select().order_by(Agent.extension)),
    }


def _state() -> dict[str, dict[str, bool]]:
    """Return the policy as plain data (audit before/after, undo)."""
    return {
        "queues": {q.name: bool(q.record) for q in Queue.select()},
        "calls_out": {a.extension: bool(a.record_calls_out) for a in Agent.select()},
    }


def _apply(state: Mapping[str, Mapping[str, bool]]) -> None:
    """Write a policy state to the store."""
    for name, record in state["queues"].items():
        Queue.update(record=record).where(Queue.name == name).execute()
    for extension, record in state["calls_out"].items():
        Agent.update(record_calls_out=record).where(Agent.extension == extension).execute()


def save(form: Mapping[str, str]) -> str:
    """Store the policy the form ticks; return a note, or raise Refused (nothing kept)."""
    before = _state()
    after = {
        "queues": {name: f"queue:{name}" in form for name in before["queues"]},
        "calls_out": {ext: f"out:{ext}" in form for ext in before["calls_out"]},
    }
    if after == before:
        return _("Nothing changed.")
    with db.atomic():
        _apply(after)
    try:
        note = reload_engine()
    except ControlError as exc:  # the engine refused: put the old policy back
        with db.atomic():
            _apply(before)
        why = _("The engine refused the change, nothing was saved: %(why)s", why=exc)
        raise Refused(why) from None
    audit.record("recording", "policy", "update", before, after)
    return note or _("Recording policy saved.")
