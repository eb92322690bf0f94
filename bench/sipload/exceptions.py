"""Tell a run that broke from a run that was merely slow."""

from __future__ import annotations


class RunBroke(Exception):
    """The benchmark itself could not run (not a slow result)."""
