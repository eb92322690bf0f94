"""Fixtures of the provisioning tests: settings on a fresh folder, a real store opened."""

from __future__ import annotations

from store_support import settings, store

__all__ = ["settings", "store"]  # fixtures
