"""Make the wizard's rows live: phones' credentials, the engine's reload, the IVR, registrations.

The box may be set up before the engine runs (or while it restarts): every call here
works without it and says what it did, so the page can tell the user.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from appliance.config import Settings
from appliance.engine.control import ControlClient, ControlError, EngineUnavailable
from appliance.sipedge import registrations, subscribers
from appliance.sipedge.exceptions import SipEdgeError
from appliance.store.database import db
from appliance.store.models import IvrFlow

log = logging.getLogger(__name__)


class FlowRefused(Exception):
    """The engine refused the IVR flow; the message is the engine's."""


def _client(settings: Settings, timeout: float = 8.0) -> ControlClient:
    """Return a control client of the engine."""
    return ControlClient(settings.engine.control_socket, timeout=timeout)


def sync_phones(settings: Settings) -> bool:
    """Write the agents' credentials to Kamailio's table; return false if it cannot be written."""
    try:
        subscribers.ensure_schema(settings)
        subscribers.sync_from_store(settings)
    except (SipEdgeError, sqlite3.Error, OSError):
        log.warning("cannot write the phones' credentials to Kamailio", exc_info=True)
        return False
    return True


def reload_engine(settings: Settings) -> bool:
    """Ask the engine to re-read the store; return false if it is not running."""
    try:
        _client(settings).call("reload")
    except EngineUnavailable:
        return False
    except ControlError:
        log.warning("the engine refused to reload after setup", exc_info=True)
        return False
    return True


def publish_flow(settings: Settings, name: str, graph: dict[str, Any]) -> str:
    """Publish the flow through the engine ("published") or into the store ("stored").

    Raises FlowRefused with the engine's words when it finds the flow wrong.
    """
    try:
        _client(settings).call("flow.publish", name=name, graph=graph)
    except EngineUnavailable:
        store_flow(name, graph)
        return "stored"
    except ControlError as exc:
        raise FlowRefused(str(exc)) from None
    return "published"


def store_flow(name: str, graph: dict[str, Any]) -> int:
    """Add graph as the flow's new active version in the store; return the version."""
    with db.atomic():
        latest = IvrFlow.select(IvrFlow.version).where(IvrFlow.name == name)
        version = max((row.version for row in latest), default=0) + 1
        IvrFlow.update(active=False).where(IvrFlow.name == name).execute()
        IvrFlow.create(name=name, version=version, graph=graph, active=True)
    return version


def registration_states(settings: Settings, extensions: list[str]) -> dict[str, Any]:
    """Return whether each extension's phone is registered: from the engine, else Kamailio."""
    try:
        agents = _client(settings, timeout=2.0).call("agents") or {}
    except (ControlError, OSError, ValueError):
        found = registrations.registered(settings)
        states = {
            ext: {"registered": ext in found, "contact": _contact(found, ext)} for ext in extensions
        }
        return {"engine": False, "agents": states}
    by_ext = {str(a.get("extension")): a for a in agents.get("agents", [])}
    states = {
        ext: {
            "registered": bool(by_ext.get(ext, {}).get("registered")),
            "contact": by_ext.get(ext, {}).get("contact") or "",
        }
        for ext in extensions
    }
    return {"engine": True, "agents": states}


def _contact(found: dict[str, registrations.Registration], extension: str) -> str:
    """Return the registered contact of extension, or ""."""
    registration = found.get(extension)
    return registration.contact if registration else ""
