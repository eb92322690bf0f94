"""The unit's own record: identity, network and branding, in <var>/unit.json.

These are not store tables: the OS layer (the Ansible roles, the image's first
boot) reads identity and network from this file, and the web UI
reads the branding (name, colours, the logo written beside it as
<var>/branding/logo.<ext>).  It is written atomically, like every state file.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.supervisor.statefile import read_json, write_atomic, write_json_atomic

UNIT_FILE = "unit.json"
LOGO_TYPES = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg"}


def unit_path(settings: Settings) -> Path:
    """Return where the unit's record is kept."""
    return settings.var / UNIT_FILE


def branding_dir(settings: Settings) -> Path:
    """Return the folder holding the logo."""
    return settings.var / "branding"


def read_unit(settings: Settings) -> dict[str, Any]:
    """Return the unit's record ({} before any profile was applied)."""
    document = read_json(unit_path(settings))
    return document if isinstance(document, dict) else {}


def wanted_unit(data: dict[str, Any], sha256: str = "") -> dict[str, Any]:
    """Return the record a profile asks for (the logo as its type and SHA-256).

    sha256 (the profile text's) is recorded as profile_sha256: the unit's reports name
    the profile it runs.
    """
    # The backup section is the store's backup target and schedule (backup_section.py).
    unit: dict[str, Any] = {key: data[key] for key in ("unit", "network") if key in data}
    if sha256:
        unit["profile_sha256"] = sha256
    branding = dict(data.get("branding") or {})
    logo = branding.pop("logo", None)
    if logo:
        kind, _, encoded = logo.partition(";base64,")
        image = base64.b64decode(encoded)
        branding["logo"] = {"type": kind.removeprefix("data:"),
                            "sha256": hashlib.sha256(image).hexdigest()}  # fmt: skip
    if branding:
        unit["branding"] = branding
    return unit


def write_unit(settings: Settings, data: dict[str, Any], source: str, sha256: str = "") -> None:
    """Write the unit's record and the logo from a profile; keep what it does not name."""
    applied_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    record = {**read_unit(settings), **wanted_unit(data, sha256), "profile": source,
              "applied_at": applied_at}  # fmt: skip
    logo = (data.get("branding") or {}).get("logo")
    if logo:
        kind, _, encoded = logo.partition(";base64,")
        folder = branding_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("logo.*"):
            old.unlink()
        target = folder / f"logo.{LOGO_TYPES[kind.removeprefix('data:')]}"
        write_atomic(target, base64.b64decode(encoded), 0o644)
    write_json_atomic(unit_path(settings), record)


def logo_file(settings: Settings) -> Path | None:
    """Return the branding logo's file, None when the unit has none."""
    found = [p for p in sorted(branding_dir(settings).glob("logo.*")) if p.suffix[1:] in
             LOGO_TYPES.values()]  # fmt: skip
    return found[0] if found else None
