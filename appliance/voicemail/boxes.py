"""Mailboxes and messages in the store, and the message-waiting state (new / old counts).

Called off the engine thread only: by the event writer (messages left, heard,
deleted, saved), the control commands and the listening desk's store reads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from appliance.store.models import Agent, Queue, VoicemailBox, VoicemailMessage
from appliance.voicemail.pin import hash_pin

GENERAL = "general"
CHANGES = ("left", "heard", "saved", "deleted")


class NoSuchBox(LookupError):
    """No mailbox has that name."""


class NoSuchMessage(LookupError):
    """No message with that id in that box."""


@dataclass(frozen=True)
class Box:
    """A mailbox as plain data."""

    name: str
    title: str
    agent: str  # the owner's extension, "" if none
    queue: str  # the queue it belongs to, "" if none
    email: str
    greeting: str
    language: str
    max_seconds: int
    pin_hash: str

    def public(self) -> dict[str, Any]:
        """Return the box as the control API shows it (no PIN hash)."""
        return {
            "name": self.name,
            "title": self.title,
            "agent": self.agent or None,
            "queue": self.queue or None,
            "email": self.email,
            "greeting": self.greeting,
            "language": self.language,
            "max_seconds": self.max_seconds,
            "has_pin": bool(self.pin_hash),
        }


@dataclass(frozen=True)
class Message:
    """A message as plain data; `file` is relative to <var>/voicemail."""

    id: int
    box: str
    call_id: str
    caller: str
    file: str
    seconds: float
    created_at: float
    heard_at: float | None

    def public(self) -> dict[str, Any]:
        """Return the message as the control API shows it."""
        return {**self.__dict__, "new": self.heard_at is None}


def _box(row: VoicemailBox) -> Box:
    """Return a box row as plain data."""
    return Box(
        row.name,
        row.title,
        row.agent.extension if row.agent else "",
        row.queue.name if row.queue else "",
        row.email,
        row.greeting,
        row.language,
        row.max_seconds,
        row.pin_hash,
    )


def _message(row: VoicemailMessage, box: str) -> Message:
    """Return a message row as plain data."""
    return Message(
        row.id, box, row.call_id, row.caller, row.file, row.seconds, row.created_at, row.heard_at
    )


def ensure_boxes() -> None:
    """Give every agent without one a box named by their extension; make the general box."""
    owned = VoicemailBox.select(VoicemailBox.agent).where(VoicemailBox.agent.is_null(False))
    names = {b.name for b in VoicemailBox.select(VoicemailBox.name)}
    for agent in Agent.select().where(Agent.id.not_in(owned)):
        if agent.extension not in names:
            VoicemailBox.create(name=agent.extension, title=agent.name, agent=agent)
    if GENERAL not in names:
        VoicemailBox.create(name=GENERAL, title="General")


def box_row(name: str, create: bool = False) -> VoicemailBox:
    """Return the box row named name; with create, make it (linked to its agent or queue)."""
    row = VoicemailBox.get_or_none(VoicemailBox.name == name)
    if row is not None:
        return row
    if not create:
        raise NoSuchBox(f"no mailbox named {name!r}")
    agent = Agent.get_or_none(Agent.extension == name)
    queue = Queue.get_or_none(Queue.name == name)
    return VoicemailBox.create(name=name, agent=agent, queue=queue)


def find_box(name: str) -> Box | None:
    """Return the box named name, or None (an agent's box is made on first need)."""
    if VoicemailBox.get_or_none(VoicemailBox.name == name) is None:
        ensure_boxes()
    row = VoicemailBox.get_or_none(VoicemailBox.name == name)
    return None if row is None else _box(row)


def list_boxes() -> list[Box]:
    """Return every box, by name."""
    ensure_boxes()
    return [_box(r) for r in VoicemailBox.select().order_by(VoicemailBox.name)]


def messages(name: str) -> list[Message]:
    """Return a box's messages that are not deleted, new first, then oldest first."""
    box = box_row(name)
    rows = (
        VoicemailMessage.select()
        .where((VoicemailMessage.box == box) & (VoicemailMessage.deleted == False))  # noqa: E712
        .order_by(VoicemailMessage.heard_at.is_null(False), VoicemailMessage.created_at)
    )
    return [_message(r, name) for r in rows]


def counts(name: str) -> tuple[int, int]:
    """Return a box's (new, old) message counts: the message-waiting state."""
    box = VoicemailBox.get_or_none(VoicemailBox.name == name)
    if box is None:
        return 0, 0
    kept = (VoicemailMessage.box == box) & (VoicemailMessage.deleted == False)  # noqa: E712
    new = VoicemailMessage.select().where(kept & VoicemailMessage.heard_at.is_null()).count()
    old = VoicemailMessage.select().where(kept & VoicemailMessage.heard_at.is_null(False)).count()
    return new, old


def set_pin(name: str, pin: str) -> None:
    """Set a box's PIN (raises BadPin for a malformed one, NoSuchBox)."""
    pin_hash = hash_pin(pin)  # slow: before touching the row
    box = box_row(name)
    box.pin_hash = pin_hash
    box.save()


def update_box(name: str, **fields: Any) -> Box:
    """Change a box's plain fields (email, greeting, language, max_seconds, title)."""
    box = box_row(name)
    for key, value in fields.items():
        setattr(box, key, value)
    box.save()
    return _box(box)


def apply_change(row: dict[str, Any]) -> dict[str, Any] | None:
    """Write one change a caller or a listener made; return the new MWI state if it changed.

    row: ``{"change": "left", box, call_id, caller, file, seconds, at}`` or
    ``{"change": "heard" | "saved" | "deleted", box, message, at}``.  The returned
    dict {box, new, old, change, message} is the ``voicemail.mwi`` event's data.
    """
    change, name = row["change"], row["box"]
    before = counts(name)
    if change == "left":
        box = box_row(name, create=True)
        message_id = VoicemailMessage.create(
            box=box,
            call_id=row["call_id"],
            caller=row.get("caller", ""),
            file=row["file"],
            seconds=row["seconds"],
            created_at=row.get("at") or time.time(),
        ).id
    else:
        message_id = int(row["message"])
        _change_message(name, message_id, change, row.get("at") or time.time())
    new, old = counts(name)
    if (new, old) == before and change != "left":
        return None
    return {"box": name, "new": new, "old": old, "change": change, "message": message_id}


def _change_message(name: str, message_id: int, change: str, at: float) -> None:
    """Mark a message of box name heard or deleted ("saved" is heard too)."""
    if change not in CHANGES:
        raise ValueError(f"unknown voicemail change {change!r}")
    message = message_row(name, message_id)
    if change == "deleted":
        message.deleted = True
    elif message.heard_at is None:
        message.heard_at = at
    message.save()


def message_row(name: str, message_id: int) -> VoicemailMessage:
    """Return a message of box name that is not deleted (raises NoSuchMessage)."""
    row = (
        VoicemailMessage.select()
        .join(VoicemailBox)
        .where(
            (VoicemailBox.name == name)
            & (VoicemailMessage.id == message_id)
            & (VoicemailMessage.deleted == False)  # noqa: E712
        )
        .first()
    )
    if row is None:
        raise NoSuchMessage(f"mailbox {name!r} has no message {message_id!r}")
    return row


def message_and_box(message_id: int) -> tuple[Message, Box]:
    """Return a message (even deleted) and its box, for its e-mail (raises NoSuchMessage)."""
    row = VoicemailMessage.get_or_none(VoicemailMessage.id == message_id)
    if row is None:
        raise NoSuchMessage(f"no message {message_id!r}")
    box = _box(row.box)
    return _message(row, box.name), box
