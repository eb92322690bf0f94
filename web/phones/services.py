"""Who may fetch a phone's file: a phone on an allowed network, or one with its credentials.

Per-phone credentials are the agent's own: HTTP basic auth (over HTTPS; the box
serves nothing else outside demo mode) with the extension as user name and the
agent's SIP password, the same secret the phone registers with.  Addresses in
`provisioning.phone_networks` need none.  A request with wrong credentials and one
for a MAC no agent has get the same 401, so the server never tells a stranger which
MAC addresses it knows; only an allowed network sees 404 for an unknown one.

An external gateway (a sipgw board of the `boards:` setting) fetches its file the same
way: its board's name as user name and the board's `password`.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Request

from appliance.boards.sipgw.lines import Gateway
from appliance.config import Settings
from appliance.store.models import Agent

log = logging.getLogger(__name__)


def from_allowed_network(address: str, settings: Settings) -> bool:
    """Return true if address is inside one of the configured phone networks."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in settings.provisioning.phone_networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            log.warning("provisioning.phone_networks: %r is not a network; ignored", network)
    return False


def gateway_credentials_match(request: Request, gw: Gateway) -> bool:
    """Return true if the request carries the gateway's board name and password (basic auth)."""
    return basic_auth_is(request, gw.name, gw.password)


def fxs_passwords(gw: Gateway) -> dict[str, str]:
    """Return extension -> SIP password of the agents on the gateway's FXS ports."""
    extensions = [line.account for line in gw.lines if line.kind == "fxs"]
    agents = Agent.select(Agent.extension, Agent.sip_password).where(
        Agent.extension.in_(extensions)
    )
    return {str(a.extension): str(a.sip_password) for a in agents if a.sip_password}


def credentials_match(request: Request, agent: Agent) -> bool:
    """Return true if the request carries agent's extension and SIP password (basic auth)."""
    return basic_auth_is(request, agent.extension, agent.sip_password)


def basic_auth_is(request: Request, user: str, password: str) -> bool:
    """Return true if the request's basic auth is user and password (compared in constant time)."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        return False
    user_ok = hmac.compare_digest(auth.username.encode(), user.encode())
    password_ok = hmac.compare_digest(auth.password.encode(), password.encode())
    return user_ok and password_ok
