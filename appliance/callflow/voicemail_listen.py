"""Listening to a mailbox by phone: pure key handling, one happening at a time.

A phone dials `*97` (its own box) or `*98` (any box: the box number first, ended
with #).  The PIN is keyed and ended with # (or a pause); three wrong PINs end the
call.  Then "you have N new messages" and each message, new ones first, with its
number and the time it was left; a message is marked heard as it starts playing.
Keys while a message plays or after it: 1 again, 7 delete, 9 save, # next,
* previous.  Other keys say "invalid" and repeat the choices; a caller who
presses nothing hears the choices again, then goodbye.  Each happening returns a
`Step`: what to say, what to write, whether to check the PIN or hang up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.callflow.say import number_prompts

MAX_PIN_TRIES = 3
MAX_MISTAKES = 3  # wrong keys in a row before goodbye
MAX_SILENCES = 2  # waits without a key in a row before goodbye
MAX_DIGITS = 20
MESSAGE_PREFIX = "message:"  # an item of Step.say that plays a message's recording
MESSAGE_MENU = "vm-message-menu"


@dataclass(frozen=True)
class Heard:
    """A message as the listener gets it: its id and the local time it was left."""

    id: int
    hour: int
    minute: int
    new: bool = True


@dataclass(frozen=True)
class Step:
    """What to do next: say these (then wait for a key, unless hanging up), write changes.

    ``check_pin`` (box, pin) asks the engine to check the PIN and answer with
    `Listening.pin_checked`.  ``changes`` are (``heard`` | ``saved`` | ``deleted``,
    message id) to write.
    """

    say: tuple[str, ...] = ()
    changes: tuple[tuple[str, int], ...] = ()
    check_pin: tuple[str, str] | None = None
    hang_up: bool = False


GOODBYE = Step(("vm-goodbye",), hang_up=True)


@dataclass
class Listening:
    """One phone call to a mailbox; box is "" until keyed in (`*98`)."""

    box: str = ""
    language: str = "en"
    stage: str = "box"  # box | pin | checking | messages | done
    digits: list[str] = field(default_factory=list)
    pin_tries: int = 0
    mistakes: int = 0
    silences: int = 0
    messages: list[Heard] = field(default_factory=list)
    current: int = 0

    def start(self) -> Step:
        """Ask for the box number, or for the PIN when the box is known."""
        self.stage = "pin" if self.box else "box"
        return Step(("vm-enter-pin",) if self.box else ("vm-enter-box",))

    def digit(self, digit: str) -> Step | None:
        """Return what a key leads to (None: keep collecting, or ignore it)."""
        if self.stage in ("box", "pin"):
            return self._collect(digit)
        if self.stage == "messages":
            return self._menu(digit)
        return None  # checking the PIN, or saying goodbye

    def timeout(self) -> Step:
        """Return what follows a wait without a key (or a pause after digits)."""
        if self.stage in ("box", "pin") and self.digits:
            return self._entered()
        self.silences += 1
        if self.silences >= MAX_SILENCES or self.stage not in ("box", "pin", "messages"):
            return self._end()
        if self.stage == "messages":
            return Step((MESSAGE_MENU,))
        return self.start()

    def pin_checked(self, ok: bool, messages: list[Heard]) -> Step:
        """Return what follows the PIN check: the messages, another try, or goodbye."""
        if not ok:
            self.pin_tries += 1
            if self.pin_tries >= MAX_PIN_TRIES:
                return self._end(("vm-pin-wrong",))
            self.stage = "pin"
            return Step(("vm-pin-wrong", "vm-enter-pin"))
        self.messages, self.stage = list(messages), "messages"
        new = sum(1 for m in messages if m.new)
        unit = "vm-new-message" if new == 1 else "vm-new-messages"
        summary = ("vm-you-have", *number_prompts(min(new, 999), self.language), unit)
        if not messages:
            return self._end((*summary, "vm-no-messages"))
        return self._present(0, summary)

    def _collect(self, digit: str) -> Step | None:
        """Collect a box number or PIN: # ends it, * starts it again."""
        self.silences = 0
        if digit == "#":
            return self._entered()
        if digit == "*":
            self.digits.clear()
            return self.start()
        self.digits.append(digit)
        return self._mistake(self.start()) if len(self.digits) > MAX_DIGITS else None

    def _entered(self) -> Step:
        """Take the digits keyed as the box number or the PIN."""
        keyed = "".join(self.digits)
        self.digits.clear()
        if not keyed:
            return self._mistake(self.start())
        if self.stage == "box":
            self.box, self.stage = keyed, "pin"
            return Step(("vm-enter-pin",))
        self.stage = "checking"
        return Step(check_pin=(self.box, keyed))

    def _menu(self, digit: str) -> Step:
        """Act on a key pressed at a message."""
        self.silences = 0
        message = self.messages[self.current]
        if digit == "1":
            self.mistakes = 0
            return self._present(self.current)
        if digit in ("7", "9"):
            self.mistakes = 0
            change, said = ("deleted", "vm-deleted") if digit == "7" else ("saved", "vm-saved")
            follow = self._present(self.current + 1, (said,))
            return Step(follow.say, ((change, message.id), *follow.changes), hang_up=follow.hang_up)
        if digit == "#":
            self.mistakes = 0
            return self._present(self.current + 1)
        if digit == "*":
            self.mistakes = 0
            return self._present(max(0, self.current - 1))
        return self._mistake(Step((MESSAGE_MENU,)))

    def _present(self, index: int, before: tuple[str, ...] = ()) -> Step:
        """Play message index (marking it heard), or say there are no more."""
        if index >= len(self.messages):
            return self._end((*before, "vm-no-more-messages"))
        self.current = index
        message = self.messages[index]
        said = (
            *before,
            "vm-message",
            *number_prompts(min(index + 1, 999), self.language),
            "vm-message-time",
            *number_prompts(message.hour, self.language),
            "vm-hours",
            *number_prompts(message.minute, self.language),
            "vm-minutes",
            f"{MESSAGE_PREFIX}{message.id}",
            MESSAGE_MENU,
        )
        changes = (("heard", message.id),) if message.new else ()
        if message.new:
            self.messages[index] = Heard(message.id, message.hour, message.minute, new=False)
        return Step(said, changes)

    def _mistake(self, again: Step) -> Step:
        """Count a wrong key: say so and ask again, or end after too many."""
        self.mistakes += 1
        if self.mistakes >= MAX_MISTAKES:
            return self._end(("invalid",))
        return Step(("invalid", *again.say))

    def _end(self, before: tuple[str, ...] = ()) -> Step:
        """Say goodbye and hang up."""
        self.stage = "done"
        return Step((*before, *GOODBYE.say), hang_up=True)
