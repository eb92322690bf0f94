"""The dialer blueprint with all its routes (campaign pages, import, do-not-call lists)."""

from __future__ import annotations

from web.dialer import dnc_routes, import_routes  # noqa: F401  (they add their routes to bp)
from web.dialer.routes import bp

__all__ = ["bp"]
