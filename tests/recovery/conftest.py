"""Fixtures of the recovery tests: the demo prompts (made once), settings and a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import settings, store

from appliance.prompts.manager import generate_missing


@pytest.fixture(scope="session")
def prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the demo prompts once for the whole run."""
    folder = tmp_path_factory.mktemp("prompts")
    generate_missing(folder)
    return folder


__all__ = ["prompts", "settings", "store"]
