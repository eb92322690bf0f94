"""A profile's locale: the box's time zone and default language, as a conf.d settings file.

They are settings (`timezone`, `language`: docs/configuration.md), read by every
process when it starts, so the profile writes them where settings live: the conf.d
folder beside the main config file, as `40-profile-locale.yml`.  The setup wizard's
`50-setup.yml` and any later file come after it, so a choice made on the box itself
wins over the reseller's default.  The diff compares with that file, so re-applying
a profile shows nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from appliance.config import DEFAULT_CONFIG_FILE, ENV_PREFIX
from appliance.supervisor.statefile import write_atomic

LOCALE_FILE = "40-profile-locale.yml"
HEADER = "# Written by `callbox provision apply` from the unit profile's locale section.\n"


def locale_path() -> Path:
    """Return the file the locale goes to (in the conf.d of the config this box reads)."""
    main = Path(os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)
    return main.parent / "conf.d" / LOCALE_FILE


def wanted_locale(data: dict[str, Any]) -> dict[str, str]:
    """Return the settings the profile's locale section asks for."""
    return {str(k): str(v) for k, v in (data.get("locale") or {}).items()}


def current_locale() -> dict[str, str]:
    """Return the settings a profile wrote before ({} when none did)."""
    try:
        document = yaml.safe_load(locale_path().read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return {str(k): str(v) for k, v in document.items()} if isinstance(document, dict) else {}


def writable() -> str:
    """Return why the locale cannot be written, or "" when it can."""
    folder = locale_path().parent
    where = folder if folder.is_dir() else folder.parent
    if not where.is_dir() or not os.access(where, os.W_OK):
        return f"{where} is not a writable folder (the box's settings are not where this runs)"
    return ""


def write_locale(values: dict[str, str]) -> Path:
    """Write the locale settings (the conf.d folder is made when missing)."""
    path = locale_path()
    path.parent.mkdir(mode=0o755, exist_ok=True)
    text = HEADER + yaml.safe_dump(values, allow_unicode=True, sort_keys=True)
    return write_atomic(path, text, mode=0o644)
