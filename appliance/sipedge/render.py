"""Render Kamailio's config from callbox's settings."""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from appliance.boards.sipgw.lines import fxo_lines
from appliance.config import Settings
from appliance.sipedge.exceptions import SipEdgeError

TEMPLATE_NAME = "kamailio.cfg.j2"
CONFIG_NAME = "kamailio.cfg"
DATABASE_NAME = "kamailio.db"

# Kamailio's own bound on shutdown (its default is 60 s), below any supervisor's patience.
EXIT_TIMEOUT_SECONDS = 2

# User-Agent values of well-known SIP scanners; matched case-insensitively by Kamailio.
SCANNERS = ("friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sundayddr", "iWar", "VaxSIP")

# Hostnames only: the value lands inside quoted Kamailio strings, so no quotes or spaces.
_HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def config_path(settings: Settings) -> Path:
    """Return where the rendered Kamailio config lives."""
    return Path(settings.paths.kamailio) / CONFIG_NAME


def database_path(settings: Settings) -> Path:
    """Return Kamailio's own SQLite database (not callbox's store)."""
    return Path(settings.paths.kamailio) / DATABASE_NAME


def render(settings: Settings) -> str:
    """Return the Kamailio config text for settings."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Kamailio config, not HTML; values are validated below instead
    )
    return env.get_template(TEMPLATE_NAME).render(**_context(settings))


def write_config(settings: Settings) -> Path:
    """Render the config and write it atomically into paths.kamailio; return its path."""
    path = config_path(settings)
    _atomic_write(path, render(settings))
    return path


def _context(settings: Settings) -> dict[str, Any]:
    """Return the template variables, validated so they cannot break the config's syntax."""
    sip, engine = settings.sip, settings.engine
    listen = _address("sip.listen", sip.listen)
    engine_ip = _address("engine.listen", engine.listen)
    domain = _hostname("sip.domain", sip.domain)
    db_path = str(database_path(settings).absolute())
    return {
        "log_level": int(sip.log_level),
        "children": max(1, int(sip.children)),
        "exit_timeout": EXIT_TIMEOUT_SECONDS,
        "listen_hp": host_port(listen, sip.port),
        "aliases": _aliases(listen, domain, sip.port),
        "domain": domain,
        "engine_ip": engine_ip,
        "engine_port": int(engine.port),
        "engine_hp": host_port(engine_ip, engine.port),
        "db_path": db_path,
        "db_url": "sqlite:///" + db_path,  # scheme + "/" + absolute path: four slashes
        "pike_density": max(1, int(sip.pike_reqs_density)),
        "exempt_subnets": ",".join(_subnet(entry) for entry in sip.pike_exempt),
        "ban_seconds": max(1, int(sip.ban_seconds)),
        "scanner_pattern": "|".join(SCANNERS),
        "gateway_lines": _gateway_lines(settings),
    }


def _gateway_lines(settings: Settings) -> str:
    """Return a regex matching the gateways' FXO accounts ("" if none), for TO_ENGINE.

    Account names are letters, digits, '-' and '_' (appliance/boards/sipgw/lines.py), so
    they need no escaping in a Kamailio string or a regex.
    """
    accounts = sorted(fxo_lines(settings.boards))
    return f"^({'|'.join(accounts)})$" if accounts else ""


def host_port(host: str, port: int) -> str:
    """Return host:port, bracketing an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _aliases(listen: str, domain: str, port: int) -> list[str]:
    """Return the names the edge answers to, each with its port (see the template's note)."""
    aliases = [host_port(listen, port)]
    if domain != listen:
        aliases.append(host_port(domain, port))
        if not _is_ip(domain) and port != 5060:
            # Phones often leave the port out of a hostname URI: it then means 5060.
            aliases.append(host_port(domain, 5060))
    return aliases


def _address(key: str, value: str) -> str:
    """Return value if it is one literal IP address, else raise SipEdgeError naming key."""
    if not _is_ip(value) or ipaddress.ip_address(value).is_unspecified:
        # A wildcard would end up in Via and Record-Route headers, and the engine is
        # recognised by its exact source address.
        raise SipEdgeError(
            f"setting '{key}' must be one IP address (not a wildcard), got {value!r}"
        )
    return str(ipaddress.ip_address(value))


def _hostname(key: str, value: str) -> str:
    """Return value if it is an IP address or a plain hostname, else raise SipEdgeError."""
    if _is_ip(value):
        return str(ipaddress.ip_address(value))
    if not _HOSTNAME.match(value):
        raise SipEdgeError(f"setting '{key}' must be a hostname or IP address, got {value!r}")
    return value


def _subnet(value: str) -> str:
    """Return value as a CIDR network, else raise SipEdgeError naming sip.pike_exempt."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise SipEdgeError(
            f"setting 'sip.pike_exempt' must list IP addresses or networks, got {value!r}"
        ) from None


def _is_ip(value: str) -> bool:
    """Return true if value is a literal IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _atomic_write(path: Path, text: str) -> None:
    """Write text to path via a temporary file, fsync and rename, mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        # Any failure before the rename leaves the old config in place; drop the temp file.
        Path(tmp).unlink(missing_ok=True)
        raise
