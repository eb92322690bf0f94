"""Upgrade errors; each message says what happened to the box and what to do."""

from __future__ import annotations


class UpgradeError(Exception):
    """The upgrade did not happen, or was rolled back; the message says which."""


class BundleRefused(UpgradeError):
    """The bundle is not signed by a trusted key, or is damaged: nothing was changed."""

    def __init__(self, bundle: str, reason: str) -> None:
        super().__init__(f"{bundle}: bundle refused, nothing changed: {reason}")


class RolledBack(UpgradeError):
    """The new release was installed but not healthy; the previous one is back."""
