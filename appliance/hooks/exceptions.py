"""Errors of the hook runner; each message says which hook and what to do."""

from __future__ import annotations


class HookError(Exception):
    """A hook cannot be run or an event is unknown."""


class HookFailed(HookError):
    """A `pre-*` hook failed or timed out, so its operation was not done."""

    def __init__(self, event: str, hook: str, reason: str, log_file: str, said: str = "") -> None:
        last = f" (it said: {said})" if said else ""
        super().__init__(
            f"{event} hook {hook} {reason}{last}: the operation was not done "
            f"(its output is in {log_file}; fix or remove the hook and try again)"
        )
        self.event, self.hook, self.reason = event, hook, reason
