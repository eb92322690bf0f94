"""An external FXO/FXS gateway (sipgw board), end to end: SIPp plays the gateway.

The gateway registers its FXO port's account at the SIP edge (digest auth) and sends a
call in from a PSTN caller: the box takes it as a line call to the port's inbound
number, into the IVR, with the caller from the gateway's From.  An outbound route on a
`line` trunk naming the port sends a phone's call to the gateway's registered contact,
the number in the Request-URI.  The FXS port's extension is an agent's: the phone on
it (SIPp registered as the extension) is rung by a colleague's call.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import SCENARIOS, Box, free_port, running_box, wait_for

from appliance import demo
from appliance.sipedge.registrations import registered
from appliance.store.models import OutboundRoute, Trunk

pytestmark = pytest.mark.e2e

PASSWORD = "Gw-Secret-0001"
FXO_ACCOUNT = "gw1-fxo1"
GATEWAY = {"name": "gw1", "type": "sipgw", "vendor": "grandstream-ht8xx", "model": "HT813",
           "mac": "00:0b:82:12:34:56", "password": PASSWORD, "ports": ["fxo", "fxs"],
           "numbers": [demo.IVR_NUMBER, "1002"]}  # fmt: skip


@contextlib.contextmanager
def gateway_box(var: Path, prompts: Path) -> Iterator[Box]:
    """Yield a running box whose `boards:` setting has one HT813 (an FXO and an FXS port)."""
    with running_box(var, prompts, CALLBOX_BOARDS=json.dumps([GATEWAY])) as box:
        yield box


def register(box: Box, user: str, password: str, contact_port: int) -> None:
    """Register user at the SIP edge (SIPp, digest auth) with a Contact on contact_port."""
    fields = box.var / f"register-{user}.csv"
    auth = f"[authentication username={user} password={password}]"
    fields.write_text(f"SEQUENTIAL\n{user};{password};{auth}\n")
    args = ["sipp", f"127.0.0.1:{box.settings.sip.port}", "-sf",
            str(SCENARIOS / "agent_register.xml"), "-inf", str(fields),
            "-key", "agent_port", str(contact_port), "-i", "127.0.0.1",
            "-p", str(free_port()), "-m", "1", "-nostdin", "-timeout", "10s",
            "-timeout_error"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=25, cwd=box.var)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wait_for(lambda: user in registered(box.settings), 5, f"{user}'s registration")


def test_a_call_in_from_the_fxo_port_reaches_the_ivr_and_the_fxs_phone_is_an_extension(
    tmp_path: Path, prompts: Path
) -> None:
    with gateway_box(tmp_path, prompts) as box:
        register(box, FXO_ACCOUNT, PASSWORD, free_port())
        args = box.sipp_args("phone_menu", number="fxo1", caller="13800138000", timeout=30,
                             menu_ms=2200, talk_ms=800)  # fmt: skip
        args[1] = f"127.0.0.1:{box.settings.sip.port}"  # through the SIP edge, as the gateway
        args += ["-au", FXO_ACCOUNT, "-ap", PASSWORD]
        done = subprocess.run(args, capture_output=True, text=True, timeout=45, cwd=box.var)
        assert done.returncode == 0, done.stdout[-2000:] + box.log_tail("engine")
        cdr = box.wait_cdr()
        # no caller ID from the exchange: the gateway puts its account in From, no caller
        quiet = box.sipp_args("phone_menu", number="fxo1", caller=FXO_ACCOUNT, timeout=30,
                              menu_ms=300, talk_ms=300)  # fmt: skip
        quiet[1] = args[1]
        quiet += ["-au", FXO_ACCOUNT, "-ap", PASSWORD]
        done = subprocess.run(quiet, capture_output=True, text=True, timeout=45, cwd=box.var)
        assert done.returncode == 0, done.stdout[-2000:] + box.log_tail("engine")
        anonymous = box.wait_cdr(2)
        # a wrong password is refused by the edge: no call reaches the engine
        args[-1] = "wrong-password"
        refused = subprocess.run(args, capture_output=True, text=True, timeout=45, cwd=box.var)
        assert refused.returncode != 0
        # the FXS port's phone: the gateway registers extension 1002, a colleague calls it
        port = free_port()
        with box.sipp_uas("agent_answer", port, 1, ["-rtp_echo"]) as (gateway, trace):
            register(box, "1002", box.agent_password("1002"), port)
            with box.agent("1001", call="1002", talk_ms=800) as phone:
                phone.read_until("confirmed", 10)
                phone.read_until("disconnected", 10)
            gateway.wait(10)
        sent = trace.read_text(errors="replace")
        internal = box.wait_cdr(3)
    assert re.search(rf"^INVITE sip:1002@127\.0\.0\.1:{port}", sent, re.MULTILINE), sent[:800]
    assert (internal["from_number"], internal["to_number"]) == ("1001", "1002")
    assert internal["outcome"] == "answered"
    assert (cdr["from_number"], cdr["to_number"]) == ("13800138000", demo.IVR_NUMBER)
    events = box.events(cdr["call_id"])
    started = events[0]
    assert started["kind"] == "call.started"
    assert started["data"]["via"] == "line" and started["data"]["source"] == "gw1/1"
    assert started["data"]["from"] == "13800138000"
    kinds = [e["kind"] for e in events]
    assert kinds.index("ivr.entered") < kinds.index("call.ended"), kinds
    assert next(e for e in events if e["kind"] == "dtmf")["data"]["digit"] == "2"
    assert (anonymous["from_number"], anonymous["to_number"]) == ("", demo.IVR_NUMBER)
    assert len(box.cdrs()) == 3  # the refused call never reached the engine


def test_an_outbound_route_on_the_gateways_fxo_line_reaches_its_contact(
    tmp_path: Path, prompts: Path
) -> None:
    with gateway_box(tmp_path, prompts) as box:
        Trunk.create(name="gw1-line", kind="line", host="gw1/1", port=1)
        OutboundRoute.update(trunks=["gw1-line", demo.TRUNK_NAME]).where(
            OutboundRoute.name == demo.OUTSIDE_LINE
        ).execute()
        box.control.call("reload")
        # the gateway has not registered its line yet: the route goes on to the carrier
        with box.far_end("trunk_answer", ring_ms=200) as (carrier, _):
            with box.agent("1001", call="901012345678", talk_ms=500) as phone:
                phone.read_until("confirmed", 10)
                phone.read_until("disconnected", 10)
            carrier.wait(10)
        passed = box.wait_cdr()
        port = free_port()
        with box.sipp_uas("agent_answer", port, 1, ["-rtp_echo"]) as (gateway, trace):
            register(box, FXO_ACCOUNT, PASSWORD, port)
            with box.agent("1001", call="901012345678", talk_ms=1500) as phone:
                phone.read_until("confirmed", 10)
                phone.read_until("disconnected", 10)
            gateway.wait(10)
        cdr = box.wait_cdr(2)
        sent = trace.read_text(errors="replace")
    events = box.events(passed["call_id"])
    skipped = next(e for e in events if e["kind"] == "outbound.trunk_unregistered")
    assert skipped["data"] == {"trunk": "gw1-line", "state": "unregistered"}
    dialing = [e["data"]["trunk"] for e in events if e["kind"] == "outbound.dialing"]
    assert dialing == [demo.TRUNK_NAME] and passed["outcome"] == "answered"
    invite = re.search(r"^INVITE (\S+) SIP/2.0", sent, re.MULTILINE)
    assert invite is not None, sent[:2000]
    assert invite.group(1).startswith(f"sip:01012345678@127.0.0.1:{port}"), invite.group(1)
    assert "X-Callbox-Dial" not in sent  # the edge took the number out of the header
    assert (cdr["direction"], cdr["outcome"], cdr["agent"]) == ("outbound", "answered", "1001")
    kinds = box.kinds(cdr["call_id"])
    assert kinds.index("outbound.routed") < kinds.index("outbound.answered"), kinds
    assert "outbound.trunk_unregistered" not in kinds
