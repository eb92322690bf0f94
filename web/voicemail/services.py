"""Which boxes a user may open, their messages, a message's WAV; heard and delete via the engine.

Admins and supervisors open every box; an agent only the boxes their phone owns
(`User.extension` is the box's agent).  A box the user may not open is "not found",
so its existence is not told either.  Reading is the store's (it works while the
engine is down); marking heard and deleting are the engine's `voicemail.mark_heard`
and `voicemail.delete`, so the `voicemail.mwi` event follows them as it follows the
phone's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from appliance.engine.control import ControlError, EngineUnavailable
from appliance.store.models import User
from appliance.voicemail import boxes
from web.admin import audit
from web.admin.services import engine_call
from web.exceptions import NotFound, WebError
from web.i18n import _
from web.recordings.services import contained

CHANGES = {"heard": "voicemail.mark_heard", "delete": "voicemail.delete"}


class EngineDown(WebError):
    """The engine is not there to make the change."""

    status_code = 503
    error_id = "engine-unavailable"


def may_open(user: User, box: boxes.Box) -> bool:
    """Return true if user may list and play the box's messages."""
    if user.role in ("admin", "supervisor"):
        return True
    return bool(user.extension) and box.agent == user.extension


def visible_boxes(user: User) -> list[dict[str, Any]]:
    """Return the boxes user may open, with their new and old counts."""
    listed = []
    for box in boxes.list_boxes():
        if may_open(user, box):
            new, old = boxes.counts(box.name)
            listed.append({**box.public(), "new": new, "old": old})
    return listed


def box_for(user: User, name: str) -> boxes.Box:
    """Return the box named name if user may open it, else raise NotFound."""
    box = boxes.find_box(name)
    if box is None or not may_open(user, box):
        raise NotFound(_("No such voicemail box."))
    return box


def messages(box: boxes.Box) -> list[boxes.Message]:
    """Return the box's messages, new first."""
    return boxes.messages(box.name)


def audio_path(var: Path, box: boxes.Box, message_id: int) -> Path:
    """Return the WAV of a message of box, never a file outside <var>/voicemail."""
    try:
        row = boxes.message_row(box.name, message_id)
    except boxes.NoSuchMessage:
        raise NotFound(_("No such message.")) from None
    path = contained(var / "voicemail", row.file)
    if path is None or not path.is_file():
        raise NotFound(_("No such message."))
    return path


def change(box: boxes.Box, message_id: int, what: str) -> None:
    """Mark a message heard or delete it through the engine; a delete is audited."""
    before = next((m for m in boxes.messages(box.name) if m.id == message_id), None)
    try:
        engine_call(CHANGES[what], box=box.name, message=message_id)
    except EngineUnavailable:
        raise EngineDown(_("The engine is not running: messages are marked and deleted by "
                           "the engine, so start it and try again.")) from None  # fmt: skip
    except ControlError as exc:
        if exc.error_id in ("no-such-message", "no-such-box"):
            raise NotFound(_("No such message.")) from None
        raise WebError(str(exc), 502, exc.error_id) from None
    if what == "delete" and before is not None:
        kept = {k: before.public()[k] for k in ("caller", "call_id", "seconds", "created_at")}
        audit.record("voicemail", f"{box.name}/{message_id}", "delete message", before=kept)
