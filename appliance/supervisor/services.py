"""The services `callbox run` starts: their command lines, working folder and environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import appliance
from appliance.config import ENV_PREFIX, Settings
from appliance.supervisor.exceptions import ServiceUnavailable

# `python -m appliance.engine` and `web:create_app()` import from here.
REPO_ROOT = Path(appliance.__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its name and how to build its command line."""

    name: str
    argv: Callable[[], list[str]]


def python_argv(*args: str) -> Callable[[], list[str]]:
    """Return a builder of this interpreter's command line with args."""
    return lambda: [sys.executable, *args]


def build_specs(settings: Settings) -> list[ServiceSpec]:
    """Prepare Kamailio (config, its database, subscribers) and return every service."""
    kamailio = _kamailio(settings)
    kamailio.prepare()
    return [
        ServiceSpec("kamailio", kamailio.argv),
        ServiceSpec("engine", python_argv("-m", "appliance.engine")),
        ServiceSpec(
            "web",
            python_argv(
                "-m", "gunicorn", "--config", "python:web.gunicorn_conf", "web:create_app()"
            ),
        ),
        ServiceSpec("scheduler", python_argv("-m", "appliance.jobs")),
        ServiceSpec("watchdog", python_argv("-m", "appliance.health")),
    ]


def child_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """Return the children's environment: ours, with the resolved paths pinned."""
    env = dict(os.environ if base is None else base)
    # Children run in REPO_ROOT; a relative paths.var must still mean the same folder.
    for key, path in settings.paths.items():
        env[f"{ENV_PREFIX}PATHS__{key.upper()}"] = path
    env["PYTHONUNBUFFERED"] = "1"  # lines reach the prefixed output as they are written
    return env


def _kamailio(settings: Settings) -> Any:
    """Return the SIP edge manager, or raise ServiceUnavailable if it is not installed."""
    try:
        from appliance.sipedge.manager import Kamailio
    except ImportError as exc:
        raise ServiceUnavailable(
            f"the SIP edge integration is missing ({exc}); reinstall callbox"
        ) from exc
    return Kamailio(settings)
