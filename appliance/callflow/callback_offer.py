"""The callback offer a queued caller hears after the exit key: pure digit handling.

"To be called back at the number you are calling from, press 1; to enter another
number, press 2."  A number is keyed and ended with #; * starts it again.  Each
happening (a digit, a timeout) returns what the engine does next: ask (play
prompts, then wait for digits), confirm a number, or cancel (back to waiting).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_DIGITS = 3
MAX_DIGITS = 20
MAX_MISTAKES = 3


@dataclass(frozen=True)
class Ask:
    """Play these prompts, then wait for digits."""

    prompts: tuple[str, ...]


@dataclass(frozen=True)
class Confirm:
    """Call this number back."""

    number: str


@dataclass(frozen=True)
class Cancel:
    """Give up the offer; the caller keeps waiting in the queue."""

    reason: str


Step = Ask | Confirm | Cancel
OFFER = Ask(("callback-offer",))
ENTER = Ask(("callback-enter-number",))


def callable_number(number: str) -> bool:
    """Return true if number looks diallable (digits, optional +, long enough)."""
    digits = number.removeprefix("+")
    return digits.isdigit() and MIN_DIGITS <= len(digits) <= MAX_DIGITS


@dataclass
class CallbackOffer:
    """One caller's way through the offer."""

    caller_number: str
    stage: str = "choose"  # choose | number
    digits: list[str] = field(default_factory=list)
    mistakes: int = 0

    def start(self) -> Step:
        """Return the first step: the offer itself."""
        return OFFER

    def digit(self, digit: str) -> Step | None:
        """Return the step a digit leads to (None: keep collecting)."""
        if self.stage == "choose":
            if digit == "1" and callable_number(self.caller_number):
                return Confirm(self.caller_number)
            if digit in ("1", "2"):  # 1 with no usable caller number: ask for one
                self.stage = "number"
                return ENTER
            return self._mistake(OFFER)
        if digit == "#":
            return self._finish()
        if digit == "*":
            self.digits.clear()
            return ENTER
        self.digits.append(digit)
        return self._mistake(ENTER) if len(self.digits) > MAX_DIGITS else None

    def timeout(self) -> Step:
        """Return the step when the caller pressed nothing in time."""
        if self.stage == "number" and self.digits:
            return self._finish()
        return Cancel("no answer to the callback offer")

    def _finish(self) -> Step:
        """Confirm the keyed number, or count a mistake."""
        number = "".join(self.digits)
        if callable_number(number):
            return Confirm(number)
        return self._mistake(ENTER)

    def _mistake(self, again: Ask) -> Step:
        """Count a wrong key: say so and ask again, or give up after too many."""
        self.mistakes += 1
        self.digits.clear()
        if self.mistakes >= MAX_MISTAKES:
            return Cancel("too many wrong keys in the callback offer")
        return Ask(("invalid", *again.prompts))
