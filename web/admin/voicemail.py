"""Voicemail boxes from the admin page: the engine's `voicemail.*` commands where they exist.

A box's settings (`voicemail.update`, `voicemail.greeting`) and its PIN
(`voicemail.set_pin`, hashed by `appliance/voicemail/pin.py`) go through the engine,
which checks them as it uses them (the greeting's prompt file in the box's language).
There is no command to create or delete a box or clear a PIN: those write the store,
which the engine reads each time a box is used, so no reload is needed.  Every change
is audited; the PIN hash is a secret of the audit log (masked, "changed" when set).
"""

from __future__ import annotations

import re
from typing import Any

from appliance.engine.control import ControlError, EngineUnavailable
from appliance.store.database import db
from appliance.store.models import Agent, InboundNumber, Queue, VoicemailBox, VoicemailMessage
from appliance.voicemail import boxes
from web.admin import audit
from web.admin.services import engine_call
from web.admin.usage import active_nodes, number_rule_users
from web.i18n import _

AREA = "voicemail"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELD_OF = {"bad-pin": "pin", "bad-prompt": "greeting"}  # other refusals: the whole form


class BoxRefused(Exception):
    """A change that was not made; field names the input it is about ("" for the form)."""

    def __init__(self, message: str, field: str = "", status: int = 409) -> None:
        super().__init__(message)
        self.field, self.status = field, status


def rows() -> list[dict[str, Any]]:
    """Return every box with its owner and new/old counts, by name."""
    listed = []
    for box in boxes.list_boxes():
        new, old = boxes.counts(box.name)
        listed.append({**box.public(), "new": new, "old": old})
    return listed


def row(name: str) -> VoicemailBox | None:
    """Return the box named name, or None."""
    return VoicemailBox.get_or_none(VoicemailBox.name == name)


def describe(box: VoicemailBox) -> dict[str, Any]:
    """Return what the audit log shows of a box (the PIN hash is masked there)."""
    return {
        "name": box.name, "title": box.title, "agent": box.agent.extension if box.agent else "",
        "queue": box.queue.name if box.queue else "", "email": box.email,
        "language": box.language, "max_seconds": box.max_seconds, "greeting": box.greeting,
        "pin_hash": box.pin_hash,
    }  # fmt: skip


def owner_choices() -> list[tuple[str, str]]:
    """Return the owners a new box may have: none, each agent, each queue."""
    agents = [
        (f"agent:{a.extension}", _("agent %(ext)s (%(name)s)", ext=a.extension, name=a.name))
        for a in Agent.select().order_by(Agent.extension)
    ]
    queues = [
        (f"queue:{q.name}", _("queue %(name)s", name=q.name))
        for q in Queue.select().order_by(Queue.name)
    ]
    return [("", ""), *agents, *queues]


def create(values: dict[str, Any]) -> VoicemailBox:
    """Make a box from the checked form (the name must be free)."""
    if row(values["name"]) is not None:
        raise BoxRefused(_("A box named %(name)s exists.", name=values["name"]), "name", 400)
    kind, _sep, owner = str(values.pop("owner", "")).partition(":")
    with db.atomic():
        box = VoicemailBox.create(
            **values,
            agent=Agent.get_or_none(Agent.extension == owner) if kind == "agent" else None,
            queue=Queue.get_or_none(Queue.name == owner) if kind == "queue" else None,
        )
    audit.record(AREA, box.name, "create", None, describe(box))
    return box


def update(box: VoicemailBox, values: dict[str, Any]) -> None:
    """Change a box's settings, then its greeting, through the engine.

    When the engine refuses the greeting the settings are put back, so nothing is half done.
    """
    before = describe(box)
    settings = {k: values[k] for k in ("title", "email", "language", "max_seconds")}
    _run("voicemail.update", box=box.name, **settings)
    if values["greeting"] != box.greeting or values["language"] != box.language:
        try:
            _run("voicemail.greeting", box=box.name, prompt=values["greeting"])
        except BoxRefused:
            old = {k: before[k] for k in settings}
            _run("voicemail.update", box=box.name, **old)
            raise
    audit.record(AREA, box.name, "update", before, describe(_fresh(box)))


def set_pin(box: VoicemailBox, pin: str) -> None:
    """Set the box's PIN through the engine (it keeps the hash only)."""
    before = describe(box)
    _run("voicemail.set_pin", box=box.name, pin=pin)
    audit.record(AREA, box.name, "update", before, describe(_fresh(box)))


def clear_pin(box: VoicemailBox) -> None:
    """Remove the box's PIN: nobody can listen by phone until one is set."""
    before = describe(box)
    VoicemailBox.update(pin_hash="").where(VoicemailBox.id == box.id).execute()
    audit.record(AREA, box.name, "update", before, describe(_fresh(box)))


def delete(box: VoicemailBox) -> None:
    """Delete a box unless a flow or queue sends callers to it or it holds messages."""
    users = box_users(box.name)
    if users:
        raise BoxRefused(
            _("%(key)s is still used by: %(users)s.", key=box.name, users="; ".join(users))
        )
    kept = (
        VoicemailMessage.select()
        .where((VoicemailMessage.box == box) & (VoicemailMessage.deleted == False))  # noqa: E712
        .count()
    )
    if kept:
        raise BoxRefused(_("%(key)s still holds messages (%(n)d): delete them first.", key=box.name,
                           n=kept))  # fmt: skip
    before = describe(box)
    with db.atomic():
        box.delete_instance(recursive=True)  # only its deleted messages remain
    audit.record(AREA, box.name, "delete", before, None)


def box_users(name: str) -> list[str]:
    """Return the active IVR nodes, queues (overflow, exit) and inbound numbers (targets,
    rules) leaving messages in the box."""
    found = [
        _("IVR flow %(flow)s, node %(node)s", flow=flow, node=node_id)
        for flow, node_id, node in active_nodes()
        if node.get("type") == "voicemail" and node.get("box") == name
    ]
    for queue in Queue.select().order_by(Queue.name):
        # a bare "voicemail" target means the box named like the queue (callflow/targets.py)
        targets = {f"voicemail:{name}"} | ({"voicemail"} if queue.name == name else set())
        if queue.overflow in targets or queue.exit_target in targets:
            found.append(_("queue %(name)s (overflow or exit)", name=queue.name))
    numbers = InboundNumber.select().where(
        (InboundNumber.target_type == "voicemail") & (InboundNumber.target == name)
    )
    found += [_("inbound number %(number)s", number=n.number) for n in numbers]
    return found + number_rule_users("voicemail", name)


def _fresh(box: VoicemailBox) -> VoicemailBox:
    """Return the box as the store has it now."""
    return VoicemailBox.get_by_id(box.id)


def _run(cmd: str, **args: Any) -> Any:
    """Run a voicemail command; raise BoxRefused with the engine's words or its absence."""
    try:
        return engine_call(cmd, **args)
    except EngineUnavailable:
        down = _("The engine is not running: box settings and PINs are changed by the engine, "
                 "so start it and try again.")  # fmt: skip
        raise BoxRefused(down, "", 503) from None
    except ControlError as exc:
        raise BoxRefused(str(exc), FIELD_OF.get(exc.error_id, ""), 400) from None
