"""Registering trunks and failover between trunks, against SIPp carriers, with real SIP.

One box for the module.  A SIPp registrar challenges the engine's REGISTER and checks
the digest with `<verifyauth>`; SIPp far ends answer 503 or answer the call; a SIPp
carrier challenges a call out with 407 and the test checks the digest the engine sent.
The control API's `trunks` command and the events in the store show what the engine
made of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boxharness import SCENARIOS, Box, free_port, running_box, wait_for

from appliance.store.models import OutboundRoute, Trunk

pytestmark = pytest.mark.e2e
USER, PASSWORD = "callbox-reg", "s3cret-carrier"


@pytest.fixture(scope="module")
def trunk_box(tmp_path_factory: pytest.TempPathFactory, prompts: Path) -> Iterator[Box]:
    """Return one running box for the module."""
    with running_box(tmp_path_factory.mktemp("trunks"), prompts) as box:
        yield box


@contextlib.contextmanager
def carrier(
    box: Box, scenario: str, port: int, calls: int = 1, **keys: str
) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Run a SIPp carrier (UAS, calls calls) on 127.0.0.1:port; yield it and its message trace."""
    extra = ["-set", "ring_ms", "200"] if scenario == "trunk_answer" else []
    for name, value in keys.items():
        extra += ["-key", name, value]
    with box.sipp_uas(scenario, port, calls, extra) as running:
        yield running


def expected_digest(digest: dict[str, str], method: str) -> str:
    """Return the RFC 2617 response (MD5, no qop) a digest answer must carry with PASSWORD."""
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731
    ha1 = md5(f"{digest['username']}:{digest['realm']}:{PASSWORD}")
    return md5(f"{ha1}:{digest['nonce']}:{md5(method + ':' + digest['uri'])}")


def trunk(box: Box, name: str) -> dict[str, Any]:
    """Return one trunk as the control API's `trunks` command lists it."""
    return dict(next(t for t in box.control.call("trunks")["trunks"] if t["name"] == name))


def registration_in(box: Box, name: str, state: str) -> dict[str, Any]:
    """Wait until a trunk's registration is in state and return it."""
    found = lambda: (r := trunk(box, name)["registration"]) and r["state"] == state and r  # noqa: E731
    return dict(wait_for(found, 10, f"trunk {name} {state}"))


def trunk_events(box: Box, name: str, at_least: int = 1) -> list[dict[str, Any]]:
    """Return the box-wide events (call_id "") about a trunk, oldest first.

    The event writer commits in batches on its own thread: wait until at_least are stored.
    """

    def stored() -> list[dict[str, Any]]:
        with contextlib.closing(box.db()) as conn:
            rows = conn.execute(
                "SELECT * FROM call_event WHERE call_id = '' AND leg = ? ORDER BY id", (name,)
            )
            return [{**dict(r), "data": json.loads(r["data"])} for r in rows]

    wait_for(lambda: len(stored()) >= at_least, 5, f"{at_least} events of trunk {name}")
    return stored()


def add_route(box: Box, name: str, prefix: str, trunks: list[str]) -> None:
    """Add an outbound route `prefix|.` over trunks (tried first) and apply it live."""
    OutboundRoute.create(name=name, position=0, patterns=[f"{prefix}|."], trunks=trunks)
    box.control.call("reload")


@pytest.fixture(scope="module")
def registered(trunk_box: Box) -> tuple[int, Path, int]:
    """Register trunk `carrier-reg` at a SIPp registrar; return its port, trace, SIPp status."""
    port = free_port()
    with carrier(trunk_box, "carrier_register", port, trunk_user=USER, trunk_password=PASSWORD) as (
        registrar,
        trace,
    ):
        Trunk.create(name="carrier-reg", kind="register", host="127.0.0.1", port=port,
                     username=USER, password=PASSWORD)  # fmt: skip
        trunk_box.control.call("reload")
        registration_in(trunk_box, "carrier-reg", "registered")
        status = registrar.wait(10)
    return port, trace, status


def test_a_trunk_registers_with_digest_credentials(
    trunk_box: Box, registered: tuple[int, Path, int]
) -> None:
    port, trace, status = registered
    assert status == 0  # the registrar's <verifyauth> accepted the digest: 200, not 403
    sent = trace.read_text()
    assert f'Authorization: Digest username="{USER}"' in sent and 'realm="carrier.test"' in sent
    assert ";line=" in sent  # the Contact a carrier's calls in come back to
    listed = trunk(trunk_box, "carrier-reg")
    assert (listed["kind"], listed["port"], listed["in"], listed["out"]) == ("register", port, 0, 0)
    reg = listed["registration"]
    assert (reg["state"], reg["code"], reg["expires"]) == ("registered", 200, 300)
    assert reg["changed_at"] > 0
    events = trunk_events(trunk_box, "carrier-reg")
    assert [e["kind"] for e in events] == ["trunk.registered"]
    assert events[0]["data"]["trunk"] == "carrier-reg"
    assert trunk(trunk_box, "demo-carrier")["registration"] is None  # an IP peer


def test_a_wrong_password_leaves_the_trunk_failing_with_the_carriers_code(
    trunk_box: Box,
) -> None:
    port = free_port()
    with carrier(trunk_box, "carrier_register", port, trunk_user=USER, trunk_password=PASSWORD):
        Trunk.create(name="carrier-bad", kind="register", host="127.0.0.1", port=port,
                     username=USER, password="not-the-password")  # fmt: skip
        trunk_box.control.call("reload")
        reg = registration_in(trunk_box, "carrier-bad", "failing")
    assert (reg["code"], reg["reason"], reg["expires"]) == (403, "Forbidden", 0)
    events = trunk_events(trunk_box, "carrier-bad")
    assert [e["kind"] for e in events] == ["trunk.registration_failed"]
    assert events[0]["data"]["code"] == 403


def test_a_trunk_pjsip_cannot_register_shows_why_and_calls_go_on(trunk_box: Box) -> None:
    Trunk.create(name="carrier-typo", kind="register", host="a:b:c", port=5060,
                 username=USER, password=PASSWORD)  # fmt: skip
    trunk_box.control.call("reload")
    reg = trunk(trunk_box, "carrier-typo")["registration"]
    assert (reg["state"], reg["code"]) == ("failing", 0)
    assert reg["reason"].startswith("cannot register: Invalid URI")
    Trunk.delete().where(Trunk.name == "carrier-typo").execute()
    trunk_box.control.call("reload")
    assert trunk_box.control.call("ping")["calls"] == 0


def test_a_call_out_skips_an_unregistered_trunk_and_fails_over_past_a_503(
    trunk_box: Box,
) -> None:
    down, up = free_port(), free_port()
    Trunk.create(name="carrier-down", kind="peer", host="127.0.0.1", port=down)
    Trunk.create(name="carrier-up", kind="peer", host="127.0.0.1", port=up)
    add_route(trunk_box, "failover", "8", ["carrier-bad", "carrier-down", "carrier-up"])
    with (
        carrier(trunk_box, "trunk_503", down) as (first, _),
        carrier(trunk_box, "trunk_answer", up) as (second, answered),
    ):
        with trunk_box.agent("1001", call="801012345678", talk_ms=800) as phone:
            phone.read_until("confirmed", 15)
            phone.read_until("disconnected", 10)
        assert first.wait(10) == 0 and second.wait(10) == 0
    assert "INVITE sip:01012345678@" in answered.read_text()
    call_id = wait_for(lambda: [c for c in trunk_box.cdrs() if c["to_number"] == "801012345678"],
                       15, "the CDR")[-1]["call_id"]  # fmt: skip
    shown = ("outbound.dialing", "outbound.failed", "outbound.answered")
    steps = [(e["kind"], e["data"]) for e in trunk_box.events(call_id)
             if "trunk" in e["kind"] or e["kind"] in shown]  # fmt: skip
    assert [kind for kind, _ in steps] == [
        "outbound.trunk_unregistered",
        "outbound.dialing",
        "outbound.failed",
        "outbound.dialing",
        "outbound.answered",
    ]
    assert steps[0][1] == {"trunk": "carrier-bad", "state": "failing"}
    assert steps[1][1]["trunk"] == "carrier-down" and steps[2][1]["code"] == 503
    assert steps[3][1]["trunk"] == "carrier-up"


def test_a_carriers_407_to_a_call_out_is_answered_with_the_trunks_credentials(
    trunk_box: Box, registered: tuple[int, Path, int]
) -> None:
    port, _, _ = registered  # still registered: the registrar granted 300 s
    before = trunk(trunk_box, "carrier-reg")["registration"]
    Trunk.update(max_channels=5).where(Trunk.name == "carrier-reg").execute()
    add_route(trunk_box, "via-registration", "6", ["carrier-reg"])  # reloads
    assert trunk(trunk_box, "carrier-reg")["registration"] == before  # not registered anew
    assert trunk(trunk_box, "carrier-reg")["max_channels"] == 5
    with carrier(trunk_box, "carrier_invite_auth", port) as (far, trace):
        with trunk_box.agent("1002", call="602087654321", talk_ms=800) as phone:
            phone.read_until("confirmed", 15)
            phone.read_until("disconnected", 10)
        assert far.wait(10) == 0
    sent = trace.read_text()
    assert f"From: sip:{USER}@127.0.0.1;" in sent  # the From the carrier knows
    answer = re.search(r"Proxy-Authorization: Digest (.*)", sent)
    assert answer is not None
    digest = dict(re.findall(r'(\w+)="?([^",]*)"?', answer.group(1)))
    assert (digest["username"], digest["realm"]) == (USER, "carrier.test")
    assert digest["response"] == expected_digest(digest, "INVITE")
    assert trunk(trunk_box, "carrier-reg")["registration"]["state"] == "registered"


def test_a_trunk_saved_again_re_registers_and_a_disabled_one_unregisters(trunk_box: Box) -> None:
    port = free_port()
    keys = {"trunk_user": USER, "trunk_password": PASSWORD}
    with carrier(trunk_box, "carrier_register", port, **keys):
        Trunk.create(name="carrier-fixed", kind="register", host="127.0.0.1", port=port,
                     username=USER, password="typo")  # fmt: skip
        trunk_box.control.call("reload")
        registration_in(trunk_box, "carrier-fixed", "failing")
    with carrier(trunk_box, "carrier_register", port, calls=2, **keys) as (_, trace):
        Trunk.update(password=PASSWORD).where(Trunk.name == "carrier-fixed").execute()
        trunk_box.control.call("reload")  # the account is replaced with the new credentials
        registration_in(trunk_box, "carrier-fixed", "registered")
        Trunk.update(enabled=False).where(Trunk.name == "carrier-fixed").execute()
        trunk_box.control.call("reload")
        wait_for(lambda: "Expires: 0" in trace.read_text(), 5, "the registration's removal")
    assert "carrier-fixed" not in [t["name"] for t in trunk_box.control.call("trunks")["trunks"]]
    kinds = [e["kind"] for e in trunk_events(trunk_box, "carrier-fixed", at_least=2)]
    assert kinds == ["trunk.registration_failed", "trunk.registered"]


def test_a_call_in_to_the_registered_contact_is_that_trunks_call(
    trunk_box: Box, registered: tuple[int, Path, int]
) -> None:
    _, trace, _ = registered
    line = re.search(r";line=([0-9a-f]+)", trace.read_text())
    assert line is not None
    scenario = trunk_box.var / "caller_to_contact.xml"
    first = "INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0"
    text = (SCENARIOS / "caller_menu.xml").read_text()
    contact = f"INVITE sip:{USER}@[remote_ip]:[remote_port];line={line.group(1)} SIP/2.0"
    scenario.write_text(text.replace(first, contact, 1))  # the DID stays in To
    caller = trunk_box.sipp_background(str(scenario), menu_ms=800, talk_ms=1500)
    try:
        calls_in = lambda: trunk(trunk_box, "carrier-reg")["in"]  # noqa: E731
        wait_for(calls_in, 10, "a call in on carrier-reg")
        assert trunk(trunk_box, "demo-carrier")["in"] == 0  # same host, but not its call
        assert caller.wait(20) == 0
    finally:
        if caller.poll() is None:
            caller.kill()
    cdr = wait_for(lambda: [c for c in trunk_box.cdrs() if c["direction"] == "inbound"], 15, "CDR")
    assert cdr[-1]["to_number"] == "100"


def test_the_engine_registers_again_before_the_granted_expiry_runs_out(trunk_box: Box) -> None:
    port = free_port()
    keys = {"trunk_user": USER, "trunk_password": PASSWORD}
    with carrier(trunk_box, "carrier_register_refresh", port, **keys) as (registrar, trace):
        Trunk.create(name="carrier-short", kind="register", host="127.0.0.1", port=port,
                     username=USER, password=PASSWORD)  # fmt: skip
        trunk_box.control.call("reload")
        assert registration_in(trunk_box, "carrier-short", "registered")["expires"] == 6
        assert registrar.wait(10) == 0  # the refresh came, challenged again and verified
    assert trace.read_text().count("Authorization: Digest") == 2
    reg = registration_in(trunk_box, "carrier-short", "registered")
    assert reg["expires"] == 300
    kinds = [e["kind"] for e in trunk_events(trunk_box, "carrier-short")]
    assert kinds == ["trunk.registered"]  # a refresh that succeeds is no news


def test_click_to_dial_fails_over_past_a_503_to_the_routes_next_trunk(trunk_box: Box) -> None:
    down, up = free_port(), free_port()
    Trunk.create(name="click-down", kind="peer", host="127.0.0.1", port=down)
    Trunk.create(name="click-up", kind="peer", host="127.0.0.1", port=up)
    add_route(trunk_box, "click-failover", "5", ["click-down", "click-up"])
    with (
        carrier(trunk_box, "trunk_503", down) as (first, _),
        carrier(trunk_box, "trunk_answer", up) as (second, answered),
        trunk_box.agent("1002", talk_ms=800) as phone,
    ):
        call_id = trunk_box.control.call("agent.dial", extension="1002", number="5020123456")[
            "call_id"
        ]
        phone.read_until("confirmed", 10)  # the agent's own phone first
        phone.read_until("disconnected", 15)
        assert first.wait(10) == 0 and second.wait(10) == 0
    assert "INVITE sip:020123456@" in answered.read_text()
    wait_for(lambda: "call.ended" in trunk_box.kinds(call_id), 10, "the call's end")
    steps = [(e["kind"], e["data"]) for e in trunk_box.events(call_id)
             if e["kind"].startswith("dial.")]  # fmt: skip
    assert [kind for kind, _ in steps] == [
        "dial.ringing",
        "dial.calling",
        "dial.failed_over",
        "dial.calling",
        "dial.answered",
    ]
    assert steps[1][1]["trunk"] == "click-down" and steps[2][1]["code"] == 503
    assert steps[3][1]["trunk"] == "click-up"
