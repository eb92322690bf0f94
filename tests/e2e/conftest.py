"""Fixtures that bring up Kamailio and the engine for real calls on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import Box, running_box

from appliance.prompts.manager import generate_missing


@pytest.fixture(scope="session")
def prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the demo prompts once for the whole run."""
    folder = tmp_path_factory.mktemp("prompts")
    generate_missing(folder)
    return folder


@pytest.fixture
def box(tmp_path: Path, prompts: Path) -> Iterator[Box]:
    """Return a running box with the demo data."""
    with running_box(tmp_path, prompts) as box:
        yield box
