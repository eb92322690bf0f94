"""Phones listening to a mailbox (`*97` own box, `*98` any box): prompts, keys, messages.

A listening call is a feature call (no CDR): the leg is answered, and `Listening`
(pure, `appliance/callflow/voicemail_listen.py`) decides what each key and pause
leads to; this desk plays what it says to the phone, checks the PIN and reads the
box's messages off the engine thread, and writes heard / saved / deleted through
the event writer.  A digit cuts short whatever is playing.  Events (agent events,
no call id): `voicemail.login` {box, ok}.  Runs on the engine thread.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pjsua2 as pj

from appliance.callflow.voicemail_listen import MESSAGE_PREFIX, Heard, Listening, Step
from appliance.engine.legs import Leg
from appliance.engine.media import Player, PromptMissing
from appliance.engine.reactor import Timer
from appliance.engine.store_reads import StoreReads
from appliance.voicemail.boxes import Box, Message, find_box, messages
from appliance.voicemail.pin import PinGuard, verify_pin

if TYPE_CHECKING:
    from appliance.engine.switchboard import Switchboard

log = logging.getLogger(__name__)
WAIT_SECONDS = 6.0  # for a key after the prompts, and between digits of a PIN


@dataclass
class Listener:
    """One phone listening: its leg, its walk through the menu, what it hears now."""

    leg: Leg
    extension: str
    listening: Listening
    files: dict[int, str] = field(default_factory=dict)  # message id -> file
    player: Player | None = None
    timer: Timer | None = None
    started: bool = False  # audio is up and the first prompt was played


def opened(box_name: str, pin: str, timezone: str) -> tuple[Box, list[Message], list[Heard]] | None:
    """Return the box, its messages and what the listener gets of them, if the PIN is right."""
    box = find_box(box_name)
    if box is None or not verify_pin(pin, box.pin_hash):
        return None
    found = messages(box_name)
    zone = ZoneInfo(timezone)
    heard = []
    for m in found:
        local = datetime.fromtimestamp(m.created_at, zone)
        heard.append(Heard(m.id, local.hour, local.minute, new=m.heard_at is None))
    return box, found, heard


class ListeningDesk:
    """Phones listening to mailboxes, for one switchboard."""

    def __init__(self, board: Switchboard) -> None:
        self.board = board
        self.listeners: dict[str, Listener] = {}  # leg id -> listener
        self.guard = PinGuard()  # a box refuses PINs after many wrong ones
        self.reads = StoreReads(board.reactor, "voicemail-listen")

    def folder(self) -> Path:
        """Return the voicemail folder."""
        return Path(self.board.settings.paths.var) / "voicemail"

    def start(self, leg: Leg, extension: str, own_box: bool) -> None:
        """Answer a phone that dialled *97 (own_box: its extension's box) or *98."""
        language = "zh" if self.board.settings.language.startswith("zh") else "en"  # zh_CN
        listening = Listening(extension if own_box else "", language)
        self.listeners[leg.leg_id] = Listener(leg, extension, listening)
        leg.role = "feature"
        leg.answer(200)

    def has(self, leg: Leg) -> bool:
        """Return true if the leg is a phone listening to a mailbox."""
        return leg.leg_id in self.listeners

    def media_ready(self, leg: Leg) -> None:
        """Ask for the box or the PIN once audio flows."""
        listener = self.listeners.get(leg.leg_id)
        if listener is not None and not listener.started:
            listener.started = True
            self._do(listener, listener.listening.start())

    def digit(self, leg: Leg, digit: str) -> None:
        """Feed a key to the menu; it cuts short what is playing."""
        listener = self.listeners.get(leg.leg_id)
        if listener is None or not listener.started:
            return
        step = listener.listening.digit(digit)
        if step is not None:
            self._do(listener, step)
        elif listener.listening.stage in ("box", "pin"):  # a digit of a number being keyed
            self._wait(listener)

    def ended(self, leg: Leg) -> None:
        """Forget a phone that hung up."""
        listener = self.listeners.pop(leg.leg_id, None)
        if listener is not None:
            self._stop(listener)

    def close(self) -> None:
        """Drop every player and timer (before the library is destroyed)."""
        for listener in self.listeners.values():
            self._stop(listener)
        self.listeners.clear()

    def _do(self, listener: Listener, step: Step) -> None:
        """Carry out one step: write its changes, check a PIN, or say its prompts."""
        for change, message_id in step.changes:
            row = {"change": change, "box": listener.listening.box, "message": message_id}
            self.board.writer.voicemail(row)
        if step.check_pin is not None:
            self._stop(listener)
            box, pin = step.check_pin
            timezone = self.board.settings.timezone
            if self.guard.locked(box, time.time()):
                self.board.emit_agent(listener.extension, "voicemail.locked", {"box": box})
                self._checked(listener, None)
                return
            self.reads.run(
                lambda: opened(box, pin, timezone), lambda found: self._checked(listener, found)
            )
            return
        self._say(listener, list(step.say), step.hang_up)

    def _checked(self, listener: Listener, found: Any) -> None:
        """Go on after the PIN check (found: None for a wrong PIN or an unknown box)."""
        if listener.leg.leg_id not in self.listeners:
            return  # hung up meanwhile
        box_name = listener.listening.box
        login = {"box": box_name, "ok": found is not None}
        self.board.emit_agent(listener.extension, "voicemail.login", login)
        if found is None:
            self.guard.wrong(box_name, time.time())
            self._do(listener, listener.listening.pin_checked(False, []))
            return
        self.guard.right(box_name)
        box, stored, heard = found
        listener.listening.language = box.language
        listener.files = {m.id: m.file for m in stored}
        self._do(listener, listener.listening.pin_checked(True, heard))

    def _say(self, listener: Listener, items: list[str], hang_up: bool) -> None:
        """Play items one after another, then wait for a key or hang up."""
        self._stop(listener)
        if not items:
            if hang_up:
                listener.leg.end()
            else:
                self._wait(listener)
            return
        try:
            player = Player(self._path(listener, items[0]))
        except (PromptMissing, pj.Error, OSError, KeyError) as exc:
            log.error("voicemail listening %s: cannot play %s: %s", listener.leg.leg_id,
                      items[0], exc)  # fmt: skip
            self._say(listener, items[1:], hang_up)
            return
        if listener.leg.audio is not None:
            player.play_to(listener.leg.audio)
        listener.player = player
        listener.timer = self.board.reactor.call_later(
            player.seconds, lambda: self._say(listener, items[1:], hang_up)
        )

    def _path(self, listener: Listener, item: str) -> Path:
        """Return the file of a prompt name or of a message (``message:<id>``)."""
        if item.startswith(MESSAGE_PREFIX):
            return self.folder() / listener.files[int(item.removeprefix(MESSAGE_PREFIX))]
        return self.board.prompts.path(item, listener.listening.language)

    def _wait(self, listener: Listener) -> None:
        """Wait for a key; a pause goes to the menu."""
        self._stop(listener)

        def pause() -> None:
            if listener.leg.leg_id in self.listeners:
                self._do(listener, listener.listening.timeout())

        listener.timer = self.board.reactor.call_later(WAIT_SECONDS, pause)

    def _stop(self, listener: Listener) -> None:
        """Stop what is playing and the pending timer."""
        if listener.timer is not None:
            listener.timer.cancel()
            listener.timer = None
        listener.player = None  # dropping the player removes its port
