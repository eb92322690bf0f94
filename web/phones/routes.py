"""GET /provision/<file>: a phone's configuration file, named by its vendor's convention."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from appliance.boards.sipgw.lines import Gateway
from provisioning.gateways import find_gateway, gateway_config
from provisioning.gateways.base import GatewayVendor
from provisioning.phones import vendors
from provisioning.phones.config import find_phone, phone_config
from web.auth import throttle
from web.context import current_settings
from web.phones.services import (
    credentials_match,
    from_allowed_network,
    fxs_passwords,
    gateway_credentials_match,
)

log = logging.getLogger(__name__)
bp = Blueprint("phones", __name__, url_prefix="/provision")
REALM = "callbox phones"


def _refused() -> Response:
    """Return 401 asking for the phone's credentials."""
    response = Response("credentials required\n", 401, mimetype="text/plain")
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def _throttled(seconds: int) -> Response:
    """Return 429: too many wrong credentials from this address lately."""
    response = Response("too many failed attempts\n", 429, mimetype="text/plain")
    response.headers["Retry-After"] = str(seconds)
    return response


def _refusal(filename: str, allowed: bool) -> Response:
    """Return 404 to an allowed network, else 401 (a wrong try counts for throttling)."""
    address = request.remote_addr or ""
    log.info("phone file %s refused to %s", filename, address)
    if allowed:
        abort(404)
    if request.authorization is not None:  # a phone's first try has none: not a failure
        throttle.record_failure(f"phone:{request.authorization.username or ''}", address)
    return _refused()


def _gateway_file(filename: str, found: tuple[Gateway, GatewayVendor], allowed: bool) -> Response:
    """Serve a gateway's (sipgw board's) file, with the same rules as a phone's."""
    gw, vendor = found
    if not (allowed or gateway_credentials_match(request, gw)):
        return _refusal(filename, allowed)
    config = gateway_config(gw, current_settings(), fxs_passwords(gw))
    log.info("gateway file %s served to %s (board %s)", filename, request.remote_addr, gw.name)
    response = Response(vendor.render(config), 200, content_type=vendor.media_type)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<filename>")
def phone_file(filename: str) -> Response:
    """Serve the file a phone asks for when it may have it."""
    settings = current_settings()
    address = request.remote_addr or ""
    allowed = from_allowed_network(address, settings)
    if not allowed and (wait := throttle.retry_after(None, address)):
        return _throttled(wait)
    found = find_phone(filename)
    if found is None and (gateway := find_gateway(filename, settings)) is not None:
        return _gateway_file(filename, gateway, allowed)
    if found is None or not (allowed or credentials_match(request, found[0])):
        return _refusal(filename, allowed)
    agent, vendor_key = found
    vendor = vendors()[vendor_key]
    body = vendor.render(filename, phone_config(agent, settings))
    log.info("phone file %s served to %s (agent %s)", filename, address, agent.extension)
    response = Response(body, 200, content_type=vendor.media_type)
    response.headers["Cache-Control"] = "no-store"
    return response
