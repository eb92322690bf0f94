"""Fixtures for the SIP edge tests: settings on free ports and a real Kamailio."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_sipedge import AGENTS, RunningEdge, make_settings

from appliance.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Return settings in a tmp folder with free SIP and engine ports."""
    return make_settings(tmp_path / "var")


@pytest.fixture
def start_edge(tmp_path: Path) -> Iterator[Callable[..., RunningEdge]]:
    """Return a factory that prepares and starts Kamailio; every edge is stopped at teardown."""
    started: list[RunningEdge] = []

    def start(agents: dict[str, str] = AGENTS, **sip: Any) -> RunningEdge:
        """Prepare and start an edge with these agents and sip settings."""
        edge = RunningEdge(make_settings(tmp_path / "var", **sip), tmp_path / "kamailio.log")
        edge.kamailio.prepare(agents=agents.items())
        started.append(edge)
        edge.start()
        return edge

    yield start
    for edge in started:
        edge.stop()


@pytest.fixture
def edge(start_edge: Callable[..., RunningEdge]) -> RunningEdge:
    """Return a running edge with the default test settings."""
    return start_edge()


@pytest.fixture
def sipp_dir(tmp_path: Path) -> Path:
    """Return a folder for SIPp's working files (error logs)."""
    path = tmp_path / "sipp"
    path.mkdir()
    return path
