"""The config keys of a sipgw board (docs/boards.md, "sipgw")."""

from __future__ import annotations

import re
from typing import Any

from appliance.boards.schemas import Field, one_of

VENDORS = ("grandstream-ht8xx", "grandstream-gxw", "yeastar-ta")
PORT_KINDS = ("fxo", "fxs")
MAX_PORTS = 32
_MAC = re.compile(r"[0-9a-f]{12}")
# A password goes into Kamailio's HA1 and into vendors' files: printable, no quotes.
_PASSWORD = re.compile(r"[A-Za-z0-9!#$%()*+,./:;=?@^_{|}~-]{12,64}")
_MODEL = re.compile(r"[A-Za-z0-9._ -]{0,32}")


def normal_mac(value: str) -> str:
    """Return a MAC as 12 lowercase hex digits (":" and "-" taken out); "" if not one."""
    mac = value.replace(":", "").replace("-", "").strip().lower()
    return mac if _MAC.fullmatch(mac) else ""


def _mac(value: Any) -> str:
    """Return an error unless value is a MAC address."""
    return "" if normal_mac(value) else f"must be a MAC address (12 hex digits), got {value!r}"


def _password(value: Any) -> str:
    """Return an error unless value is a usable SIP password."""
    if _PASSWORD.fullmatch(value):
        return ""
    return "must be 12 to 64 letters, digits or punctuation (no spaces, quotes or brackets)"


def _model(value: Any) -> str:
    """Return an error unless value is a plain model name."""
    return "" if _MODEL.fullmatch(value) else "must be up to 32 letters, digits, '.', '-' or ' '"


def _ports(value: Any) -> str:
    """Return an error unless value is a list of fxo/fxs, 1 to MAX_PORTS long."""
    if not 1 <= len(value) <= MAX_PORTS:
        return f"must list 1 to {MAX_PORTS} ports, got {len(value)}"
    wrong = [kind for kind in value if kind not in PORT_KINDS]
    return f"must each be fxo or fxs, got {wrong[0]!r}" if wrong else ""


SCHEMA: tuple[Field, ...] = (
    Field("vendor", str, check=one_of(*VENDORS), help="grandstream-ht8xx, -gxw or yeastar-ta"),
    Field("model", str, "", check=_model, help="the model, e.g. HT813, GXW4104, TA410"),
    Field("mac", str, check=_mac, help="the gateway's MAC address"),
    Field("password", str, check=_password, help="the SIP password of its FXO accounts"),
    Field("ports", list, check=_ports, help="each port's kind in order: fxo or fxs"),
)
