"""The banner `callbox run` prints once every service answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from appliance.config import Settings
from appliance.health.address import connect_host


def render_banner(settings: Settings, demo: dict[str, Any] | None, demo_path: Path) -> list[str]:
    """Return the lines telling a developer where to point a browser, a phone and a trunk."""
    # A wildcard listen address is not something to type: show loopback instead.
    scheme = "https" if settings.web_https else "http"
    web_url = f"{scheme}://{connect_host(settings.web.listen)}:{settings.web.port}/"
    registrar = f"{connect_host(settings.sip.listen)}:{settings.sip.port}"
    trunk = f"{connect_host(settings.engine.trunk_listen)}:{settings.engine.trunk_port}"
    lines = ["callbox is ready", f"  web UI      {web_url}"]
    if demo is None:
        lines += [
            "  no demo data: open the web UI to set the box up",
            f"  softphones  registrar {registrar}, domain {settings.sip.domain}",
            f"  carriers    send calls to sip:<number>@{trunk}",
        ]
    else:
        lines += _demo_lines(demo, registrar, settings.sip.domain, trunk, demo_path)
    return [*lines, "  Ctrl-C stops everything."]


def _demo_lines(
    demo: dict[str, Any], registrar: str, domain: str, trunk: str, demo_path: Path
) -> list[str]:
    """Return the banner lines that show the demo's credentials."""
    admin = demo["admin"]
    agent = demo["agents"][0]
    others = ", ".join(a["extension"] for a in demo["agents"][1:])
    number = demo["ivr_number"]
    return [
        f"  admin       user {admin['username']}  password {admin['password']}",
        f"  softphone   registrar {registrar}  domain {domain}",
        f"              user {agent['extension']}  password {agent['sip_password']}"
        f"  ({agent['name']}; also {others})",
        f"  IVR         call sip:{number}@{trunk} from {demo['trunk']['accepts_from']}"
        f" (the demo trunk), e.g. with a second softphone or sipp",
        f"  all demo credentials: {demo_path}",
    ]
