"""Retry policy: after each outcome, whether and when a contact is dialled again.

A rule per outcome gives the delay before the next attempt and the most attempts a
contact may have in all while that outcome keeps coming back.  An outcome without a
rule ends the contact.  "Until connected" retries every outcome but `connected`,
with its rule's delay or the default one, up to the policy's overall ceiling, so even
that policy ends (docs/dialer.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from appliance.dialer.const import Outcome

DEFAULT_DELAY_SECONDS = 1800
CEILING = 50  # no policy dials one contact more often than this


@dataclass(frozen=True)
class RetryRule:
    """Dial again `delay_seconds` later while the contact has had fewer than `max_attempts`."""

    delay_seconds: int
    max_attempts: int

    def __post_init__(self) -> None:
        """Refuse a negative delay and attempt counts outside 1..CEILING."""
        if self.delay_seconds < 0:
            raise ValueError(f"retry delay {self.delay_seconds} s is negative")
        if not 1 <= self.max_attempts <= CEILING:
            raise ValueError(f"max attempts {self.max_attempts} is not within 1..{CEILING}")


@dataclass(frozen=True)
class RetryPolicy:
    """The campaign's rules per outcome, or "until connected" up to `max_attempts`."""

    rules: dict[Outcome, RetryRule] = field(default_factory=dict)
    until_connected: bool = False
    max_attempts: int = 10  # the ceiling for "until connected"
    default_delay_seconds: int = DEFAULT_DELAY_SECONDS

    def next_attempt_at(self, outcome: Outcome, attempts: int, ended_at: float) -> float | None:
        """Return when to dial again after `attempts` attempts ending in `outcome`, or None."""
        if outcome is Outcome.CONNECTED:
            return None
        rule = self.rules.get(outcome)
        if self.until_connected:
            delay = rule.delay_seconds if rule else self.default_delay_seconds
            return ended_at + delay if attempts < self.max_attempts else None
        if rule is None or attempts >= rule.max_attempts:
            return None
        return ended_at + rule.delay_seconds

    def to_json(self) -> dict[str, Any]:
        """Return the policy as stored (campaign.retry_policy)."""
        return {
            "until_connected": self.until_connected,
            "max_attempts": self.max_attempts,
            "default_delay_seconds": self.default_delay_seconds,
            "rules": {o.value: [r.delay_seconds, r.max_attempts] for o, r in self.rules.items()},
        }

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> RetryPolicy:
        """Return a policy from its stored form; raise ValueError naming what is wrong."""
        rules: dict[Outcome, RetryRule] = {}
        for name, pair in dict(spec.get("rules", {})).items():
            try:
                outcome = Outcome(name)
            except ValueError:
                raise ValueError(f"retry policy: unknown outcome {name!r}") from None
            if outcome is Outcome.CONNECTED:
                raise ValueError("retry policy: a connected contact is never retried")
            rules[outcome] = RetryRule(int(pair[0]), int(pair[1]))
        ceiling = int(spec.get("max_attempts", 10))
        if not 1 <= ceiling <= CEILING:
            raise ValueError(f"retry policy: max attempts {ceiling} is not within 1..{CEILING}")
        delay = int(spec.get("default_delay_seconds", DEFAULT_DELAY_SECONDS))
        return cls(rules, bool(spec.get("until_connected", False)), ceiling, delay)


_STANDARD_RULES: dict[Outcome, RetryRule] = {
    Outcome.BUSY: RetryRule(600, 5),
    Outcome.NO_ANSWER: RetryRule(3600, 4),
    Outcome.FAILED: RetryRule(7200, 2),
    Outcome.MACHINE: RetryRule(7200, 3),
    Outcome.DROPPED: RetryRule(300, 5),
}
STANDARD = RetryPolicy(_STANDARD_RULES)
