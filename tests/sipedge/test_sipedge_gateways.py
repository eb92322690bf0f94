"""The SIP edge and external gateways (sipgw boards): accounts, the line header, dialling."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from helpers_sipedge import (
    AGENTS,
    LOOPBACK,
    RunningEdge,
    errors,
    finish,
    free_port,
    register,
    run_sipp,
    start_sipp,
    wait_registered,
)

from appliance import config
from appliance.config import Settings
from appliance.health import check_results
from appliance.sipedge import subscribers
from appliance.sipedge.manager import Kamailio
from appliance.sipedge.render import database_path, render

GATEWAY = {"name": "gw1", "type": "sipgw", "vendor": "grandstream-gxw", "model": "GXW4104",
           "mac": "000b82aabbcc", "password": "Gw-Secret-0001", "ports": ["fxo", "fxo", "fxs"],
           "numbers": ["100", "200", "1002"]}  # fmt: skip


def gateway_settings(var: Path, boards: list[dict[str, object]]) -> Settings:
    """Return settings on free ports with these boards."""
    overrides = {
        "paths": {"var": str(var)},
        "sip": {"port": free_port(), "children": 2},
        "engine": {"port": free_port()},
        "boards": boards,
    }
    return config.load(config_file=var / "absent.yml", env={}, overrides=overrides)


def test_fxo_accounts_are_subscribers_and_the_config_names_them(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, [GATEWAY, {**GATEWAY, "name": "bad", "mac": "x"}])
    Kamailio(settings).prepare(agents=AGENTS.items())  # renders, runs kamailio -c, syncs
    with closing(sqlite3.connect(database_path(settings))) as conn:
        rows = dict(conn.execute("SELECT username, ha1 FROM subscriber").fetchall())
    assert sorted(rows) == ["1001", "1002", "gw1-fxo1", "gw1-fxo2"]  # the bad one left out
    assert rows["gw1-fxo2"] == subscribers.ha1("gw1-fxo2", settings.sip.domain, "Gw-Secret-0001")
    assert '$au =~ "^(gw1-fxo1|gw1-fxo2)$"' in render(settings)
    none = gateway_settings(tmp_path / "none", [])
    assert "X-Callbox-Line: $au" not in render(none)  # no gateways: the check as before
    assert 'remove_hf("X-Callbox-Line")' in render(none)


def _call(edge: RunningEdge, cwd: Path, caller: str, user: str, password: str) -> tuple[int, str]:
    """Place one call through the edge carrying a forged X-Callbox-Line; return the engine's view.

    Returns the caller SIPp's exit code and the INVITE the engine's SIPp received.
    """
    engine = edge.settings.engine
    trace = cwd / f"engine-{time.monotonic_ns()}.log"
    answer = start_sipp(cwd, "engine_answer_any.xml", "-i", engine.listen, "-p", str(engine.port),
                        "-m", "1", "-trace_msg", "-message_file", str(trace))  # fmt: skip
    time.sleep(0.2)  # let the engine's SIPp bind before the INVITE arrives
    call = run_sipp(cwd, "phone_call_line_header.xml", f"{LOOPBACK}:{edge.port}", "-i", LOOPBACK,
                    "-s", "2000", "-key", "caller", caller, "-key", "line", "gw1-fxo2",
                    "-au", user, "-ap", password, "-m", "1")  # fmt: skip
    if call.returncode != 0:
        answer.kill()
    finish(answer)
    return call.returncode, trace.read_text(errors="replace") if trace.exists() else ""


def test_only_the_edge_names_a_gateway_line(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path / "var", [GATEWAY])
    edge = RunningEdge(settings, tmp_path / "kamailio.log")
    edge.kamailio.prepare(agents=AGENTS.items())
    edge.start()
    try:
        # the gateway's FXO account sends the PSTN caller in From: let through, line named
        code, seen = _call(edge, tmp_path, "13800138000", "gw1-fxo1", "Gw-Secret-0001")
        assert code == 0, errors(tmp_path)
        assert "From: <sip:13800138000@" in seen
        assert seen.count("X-Callbox-Line:") == 1 and "X-Callbox-Line: gw1-fxo1" in seen
        # a phone forging the header: passed through with the header gone
        code, seen = _call(edge, tmp_path, "1001", "1001", AGENTS["1001"])
        assert code == 0, errors(tmp_path)
        assert "INVITE sip:2000@" in seen and "X-Callbox-Line" not in seen
        # a phone still cannot call as someone else, gateways or not
        code, seen = _call(edge, tmp_path, "13800138000", "1001", AGENTS["1001"])
        assert code != 0 and "SIP/2.0 403" in errors(tmp_path)
        # a wrong password for the gateway's account is refused
        code, seen = _call(edge, tmp_path, "13800138000", "gw1-fxo1", "Wrong-Secret-01")
        assert code != 0 and "INVITE" not in seen
    finally:
        edge.stop()


def test_the_watchdog_alerts_while_a_gateway_line_is_not_registered(tmp_path: Path) -> None:
    bad = {**GATEWAY, "name": "bad", "ports": ["fxs"], "numbers": []}  # an FXS port needs one
    gw = {**GATEWAY, "ports": ["fxo", "fxo", "fxs", "fxs"], "numbers": ["100", "200", "1002",
                                                                         "1077"]}  # fmt: skip
    settings = gateway_settings(tmp_path / "var", [gw, bad])
    assert check_results(settings, only=("sipgw",))["sipgw"].detail.startswith("not checked")
    edge = RunningEdge(settings, tmp_path / "kamailio.log")
    edge.kamailio.prepare(agents=AGENTS.items())
    edge.start()

    def keys() -> dict[str, str]:
        """Return the check's findings, key -> kind."""
        return {f.key: f.kind for f in check_results(settings, only=("sipgw",))["sipgw"].findings}

    try:
        orphan = {"sipgw.gw1/4": "sipgw_no_agent", "sipgw.bad": "sipgw_invalid"}  # no agent 1077
        assert keys() == {"sipgw.gw1/1": "sipgw_line_unregistered",
                          "sipgw.gw1/2": "sipgw_line_unregistered", **orphan}  # fmt: skip
        contact = free_port()
        for account in ("gw1-fxo1", "gw1-fxo2"):
            done = register(edge, tmp_path, account, "Gw-Secret-0001", contact,
                            "-key", "expires", "3600", scenario="register_expires.xml")  # fmt: skip
            assert done.returncode == 0, errors(tmp_path)
        wait_registered(settings, {"gw1-fxo1", "gw1-fxo2"})
        assert keys() == orphan  # FXS 1002 unregistered: an agent's phone, not a line
        # the gateway lets line 2's registration go: its alert comes back
        done = register(edge, tmp_path, "gw1-fxo2", "Gw-Secret-0001", contact,
                        "-key", "expires", "0", scenario="register_expires.xml")  # fmt: skip
        assert done.returncode == 0, errors(tmp_path)
        deadline = time.monotonic() + 5
        while "sipgw.gw1/2" not in keys() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert keys() == {"sipgw.gw1/2": "sipgw_line_unregistered", **orphan}
    finally:
        edge.stop()
