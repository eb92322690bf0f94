"""Control-socket commands for voicemail: boxes, messages, PINs, greetings, MWI state.

Run on the control server's threads (they read the store directly, never on the
engine thread).  Changes to messages go through the event writer like the engine's
own, so the ``voicemail.mwi`` event follows them; the command waits until they are
committed.  Errors: `no-such-box`, `no-such-message`, `bad-pin`, `bad-prompt`,
`bad-args`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from appliance.engine.control import CommandError
from appliance.engine.media import PromptMissing, Prompts
from appliance.prompts.catalog import VOICES
from appliance.store.writer import EventWriter
from appliance.voicemail import boxes
from appliance.voicemail.pin import BadPin

MAX_SECONDS_LIMIT = 600
FLUSH_SECONDS = 5.0


class VoicemailCommands:
    """Voicemail commands by name."""

    def __init__(self, writer: EventWriter, prompts: Prompts) -> None:
        self.writer = writer
        self.prompts = prompts
        self.table: dict[str, Callable[..., Any]] = {
            "voicemail.boxes": self.list_boxes,
            "voicemail.messages": self.messages,
            "voicemail.mark_heard": self.mark_heard,
            "voicemail.delete": self.delete,
            "voicemail.set_pin": self.set_pin,
            "voicemail.greeting": self.greeting,
            "voicemail.update": self.update,
        }

    def list_boxes(self) -> dict[str, Any]:
        """List every box with its new and old message counts (the MWI state)."""
        listed = []
        for box in boxes.list_boxes():
            new, old = boxes.counts(box.name)
            listed.append({**box.public(), "new": new, "old": old})
        return {"boxes": listed}

    def messages(self, box: str = "") -> dict[str, Any]:
        """List a box's messages (new first), with its counts."""
        found = _known(box)
        new, old = boxes.counts(found.name)
        listed = [m.public() for m in boxes.messages(found.name)]
        return {"box": found.name, "new": new, "old": old, "messages": listed}

    def mark_heard(self, box: str = "", message: int = 0) -> dict[str, Any]:
        """Mark a message heard (it becomes old)."""
        return self._change("heard", box, message)

    def delete(self, box: str = "", message: int = 0) -> dict[str, Any]:
        """Delete a message."""
        return self._change("deleted", box, message)

    def set_pin(self, box: str = "", pin: str = "") -> dict[str, Any]:
        """Set a box's PIN (4–10 digits), kept hashed."""
        _known(box)
        try:
            boxes.set_pin(box, str(pin))
        except BadPin as exc:
            raise CommandError("bad-pin", str(exc)) from None
        return {"box": box, "has_pin": True}

    def greeting(self, box: str = "", prompt: str = "") -> dict[str, Any]:
        """Give a box its own greeting (a prompt name); "" goes back to the default one."""
        found = _known(box)
        if prompt:
            try:
                self.prompts.path(prompt, found.language)
            except PromptMissing as exc:
                raise CommandError("bad-prompt", str(exc)) from None
        return boxes.update_box(box, greeting=prompt).public()

    def update(self, box: str = "", **fields: Any) -> dict[str, Any]:
        """Change a box's title, email, language or max_seconds."""
        _known(box)
        return boxes.update_box(box, **_checked(fields)).public()

    def _change(self, change: str, box: str, message: Any) -> dict[str, Any]:
        """Apply a message change through the writer; return the box's counts after it."""
        _known(box)
        try:
            boxes.message_row(box, int(message))
        except (TypeError, ValueError, boxes.NoSuchMessage):
            message_error = f"mailbox {box!r} has no message {message!r}"
            raise CommandError("no-such-message", message_error) from None
        self.writer.voicemail({"change": change, "box": box, "message": int(message),
                               "at": time.time()})  # fmt: skip
        self.writer.flush(FLUSH_SECONDS)
        new, old = boxes.counts(box)
        return {"box": box, "message": int(message), "new": new, "old": old}


def _known(name: Any) -> boxes.Box:
    """Return the box named name, or raise no-such-box."""
    found = boxes.find_box(name) if isinstance(name, str) and name else None
    if found is None:
        raise CommandError("no-such-box", f"no mailbox named {name!r}")
    return found


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """Return the box fields to change, or raise bad-args naming the wrong one."""
    allowed = {"title", "email", "language", "max_seconds"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise CommandError("bad-args", f"voicemail.update: unknown field {unknown[0]!r}")
    if "language" in fields and fields["language"] not in VOICES:
        raise CommandError("bad-args", f"language must be one of {', '.join(sorted(VOICES))}")
    if "email" in fields and fields["email"] and "@" not in str(fields["email"]):
        raise CommandError("bad-args", f"not an e-mail address: {fields['email']!r}")
    if "max_seconds" in fields and not _whole(fields["max_seconds"], 5, MAX_SECONDS_LIMIT):
        raise CommandError("bad-args", f"max_seconds must be 5 to {MAX_SECONDS_LIMIT}")
    return {k: v if k == "max_seconds" else str(v) for k, v in fields.items()}


def _whole(value: Any, low: int, high: int) -> bool:
    """Return true if value is a whole number from low to high."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
