"""Read the branding of the applied profile (<var>/unit.json) for the pages.

Read on each page, but parsed again only when the file changed (its mtime), so a
profile applied from the command line shows without restarting the web.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from appliance.config import Settings
from provisioning.profiles.unit import logo_file, read_unit, unit_path

_cache: dict[str, tuple[float, Brand | None]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Brand:
    """What the pages show of a reseller: name, colours, whether there is a logo."""

    name: str
    primary: str
    accent: str
    has_logo: bool
    version: str  # changes with the record, so browsers fetch a new logo and theme


def current_brand(settings: Settings) -> Brand | None:
    """Return the unit's branding, None before a profile with branding was applied."""
    path = unit_path(settings)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        cached = _cache.get(str(path))
        if cached and cached[0] == mtime:
            return cached[1]
    brand = _read(settings, mtime)
    with _lock:
        _cache[str(path)] = (mtime, brand)
    return brand


def _read(settings: Settings, mtime: float) -> Brand | None:
    """Return the branding in the unit's record."""
    branding: Any = read_unit(settings).get("branding")
    if not isinstance(branding, dict) or not branding.get("name"):
        return None
    colours = branding.get("colours") or {}
    return Brand(
        name=str(branding["name"]),
        primary=str(colours.get("primary", "")),
        accent=str(colours.get("accent", "")),
        has_logo=logo_file(settings) is not None,
        version=str(int(mtime)),
    )


def theme_css(brand: Brand) -> str:
    """Return the stylesheet carrying the reseller's colours (validated #rrggbb values)."""
    rules = []
    if brand.primary:
        rules.append(f":root {{ --brand: {brand.primary}; }}\n"
                     f".topbar {{ background: {brand.primary}; }}")  # fmt: skip
    if brand.accent:
        rules.append(f".topbar {{ border-bottom: 3px solid {brand.accent}; }}\n"
                     f".topbar nav a[aria-current=\"page\"] {{ border-bottom-color: "
                     f"{brand.accent}; }}")  # fmt: skip
    return "\n".join(rules) + "\n"
