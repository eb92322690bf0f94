"""Check that every external gateway's FXO line (sipgw board) is registered at the SIP edge.

A gateway's line is a SIP account: it can take and place calls only while the gateway
keeps it registered.  Read straight from Kamailio's location table (no engine needed),
each FXO port not registered is alert `sipgw.<board>/<n>`; a sipgw board whose settings
are wrong (and so is not used) is alert `sipgw.<board>`.  FXS ports are agents' phones:
their registration is the phone's, shown with the agent; an FXS port whose extension no
agent has (so its phone has no account) is alert `sipgw.<board>/<n>` too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from appliance.boards.exceptions import BoardConfigError
from appliance.boards.sipgw.lines import TYPE_KEY, Gateway, GatewayLine, gateway
from appliance.config import Settings
from appliance.health.result import CheckResult, Finding
from appliance.sipedge.registrations import Registration, registered
from appliance.sipedge.render import database_path
from appliance.sipedge.subscribers import usernames

NAME = "sipgw"
ALERT_PREFIXES = ("sipgw.",)


def check(settings: Settings) -> CheckResult:
    """Return healthy unless a gateway's FXO line is not registered or a gateway is invalid."""
    raws = [b for b in settings.boards if isinstance(b, Mapping) and b.get("type") == TYPE_KEY]
    if not raws:
        return CheckResult.passed("no gateways")
    if not database_path(settings).exists():
        return CheckResult.passed("not checked: the SIP edge has not started")
    found, findings = _gateways(raws)
    now = registered(settings)
    findings += [_unregistered(gw, n) for gw in found for n in gw.lines if _lost(n, now)]
    known = usernames(settings)
    findings += [_no_agent(n) for gw in found for n in gw.lines if _orphan(n, known)]
    if findings:
        return CheckResult.failed("; ".join(f.detail for f in findings), tuple(findings))
    lines = sum(1 for gw in found for n in gw.lines if n.kind == "fxo")
    return CheckResult.passed(f"{len(found)} gateway(s), {lines} line(s), all registered")


def _gateways(raws: Sequence[Mapping[str, Any]]) -> tuple[list[Gateway], list[Finding]]:
    """Return the usable gateways and a finding for each whose settings are wrong."""
    found: list[Gateway] = []
    findings: list[Finding] = []
    for raw in raws:
        try:
            found.append(gateway(raw))
        except BoardConfigError as error:
            board = str(raw.get("name", ""))
            params = {"board": board}
            findings.append(Finding(f"sipgw.{board}", "sipgw_invalid", params, str(error)))
    return found, findings


def _lost(line: GatewayLine, now: dict[str, Registration]) -> bool:
    """Return true if line is an FXO line with no live registration."""
    return line.kind == "fxo" and line.account not in now


def _orphan(line: GatewayLine, known: set[str]) -> bool:
    """Return true if line is an FXS port whose extension no agent (with a password) has."""
    return line.kind == "fxs" and line.account not in known


def _no_agent(line: GatewayLine) -> Finding:
    """Return the alert for an FXS port whose phone has no account to register with."""
    params = {"port": line.port, "extension": line.account}
    detail = f"gateway port {line.port} is for extension {line.account}, which no agent has"
    return Finding(f"sipgw.{line.port}", "sipgw_no_agent", params, detail)


def _unregistered(gw: Gateway, line: GatewayLine) -> Finding:
    """Return the alert for an FXO line whose gateway does not keep it registered."""
    params = {"port": line.port, "account": line.account, "board": gw.name}
    detail = f"gateway line {line.port} ({line.account}) is not registered"
    return Finding(f"sipgw.{line.port}", "sipgw_line_unregistered", params, detail)
