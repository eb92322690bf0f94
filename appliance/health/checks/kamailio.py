"""Check that Kamailio answers a SIP OPTIONS request."""

from __future__ import annotations

from appliance.config import Settings
from appliance.health.address import connect_host
from appliance.health.result import CheckResult

NAME = "kamailio"
ON_FAILURE = "restart"


def check(settings: Settings) -> CheckResult:
    """Return healthy if Kamailio answers OPTIONS on sip.port within a second."""
    from appliance.sipedge.options import ping  # the SIP edge loads only when checked

    host = connect_host(settings.sip.listen)
    if ping(host, settings.sip.port, 1.0):
        return CheckResult.passed(f"answers OPTIONS on {host}:{settings.sip.port}")
    return CheckResult.failed(f"no answer to OPTIONS on {host}:{settings.sip.port}")
