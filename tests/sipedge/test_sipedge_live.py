"""The SIP edge for real: Kamailio on loopback, phones and the engine played by SIPp."""

from __future__ import annotations

import secrets
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
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

from appliance.sipedge import subscribers
from appliance.sipedge.options import ping
from appliance.sipedge.registrations import registered


def _engine_call(
    edge: RunningEdge, cwd: Path, scenario: str, extension: str
) -> subprocess.CompletedProcess[str]:
    """Run an engine-side SIPp scenario: bound to the engine's port, calling extension."""
    engine = edge.settings.engine
    return run_sipp(
        cwd, scenario, f"{LOOPBACK}:{edge.port}",
        "-i", engine.listen, "-p", str(engine.port), "-s", extension, "-m", "1",
    )  # fmt: skip


def _phone_answers_engine_call(edge: RunningEdge, cwd: Path, phone_port: int) -> None:
    """Check that the engine's call to 1001 rings the phone at phone_port and completes."""
    phone = start_sipp(cwd, "phone_answer.xml", "-i", LOOPBACK, "-p", str(phone_port), "-m", "1")
    time.sleep(0.2)  # let the phone's SIPp bind before the INVITE arrives
    call = _engine_call(edge, cwd, "engine_call.xml", "1001")
    assert call.returncode == 0, errors(cwd)
    assert finish(phone) == 0, errors(cwd)


def test_options_to_the_edge_answer_200(edge: RunningEdge) -> None:
    """Check the health check answer, also for a source that is not exempt from pike."""
    assert ping(LOOPBACK, edge.port, timeout=1.0)
    assert ping(LOOPBACK, edge.port, timeout=1.0, source="127.0.0.3")


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_register_with_right_password(edge: RunningEdge, sipp_dir: Path, transport: str) -> None:
    """Check 401 then 200 (UDP and TCP), and that registered() shows the phone."""
    port = free_port()
    result = register(edge, sipp_dir, "1001", AGENTS["1001"], port, "-t", transport)
    assert result.returncode == 0, errors(sipp_dir)
    found = wait_registered(edge.settings, {"1001"})
    assert list(found) == ["1001"]
    assert found["1001"].contact == f"sip:1001@127.0.0.1:{port}"
    assert found["1001"].user_agent == "sipp-phone"
    assert 3500 < found["1001"].expires - time.time() <= 3600
    if transport == "t1":
        # Over TCP the phone is reached back on its connection, not at its Contact's port.
        assert found["1001"].received.startswith("sip:127.0.0.1:")
        assert found["1001"].received.endswith(";transport=tcp")
    else:
        assert found["1001"].received == ""


@pytest.mark.parametrize(("extension", "password"), [("1001", "wrong"), ("1009", "anything")])
def test_wrong_credentials_are_refused(
    edge: RunningEdge, sipp_dir: Path, extension: str, password: str
) -> None:
    """Check 401 then 403 for a wrong password or an unknown user, and no location row."""
    result = register(
        edge, sipp_dir, extension, password, free_port(), scenario="register_forbidden.xml"
    )
    assert result.returncode == 0, errors(sipp_dir)
    # Once a later good registration is on disk, an earlier bad one would be too.
    assert register(edge, sipp_dir, "1002", AGENTS["1002"], free_port()).returncode == 0
    assert list(wait_registered(edge.settings, {"1002"})) == ["1002"]


def test_removed_agent_cannot_register_without_restart(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check that a sync while Kamailio runs takes effect on the next REGISTER."""
    assert register(edge, sipp_dir, "1002", AGENTS["1002"], free_port()).returncode == 0
    subscribers.sync(edge.settings, [("1001", AGENTS["1001"])])
    result = register(
        edge, sipp_dir, "1002", AGENTS["1002"], free_port(), scenario="register_forbidden.xml"
    )
    assert result.returncode == 0, errors(sipp_dir)


def test_registration_survives_restart(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check that after a Kamailio restart the phone is still registered and reachable."""
    phone_port = free_port()
    assert register(edge, sipp_dir, "1001", AGENTS["1001"], phone_port).returncode == 0
    before = wait_registered(edge.settings, {"1001"})
    edge.restart()
    assert registered(edge.settings) == before
    _phone_answers_engine_call(edge, sipp_dir, phone_port)


def test_engine_call_reaches_registered_phone(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check engine -> phone: 200, ACK, re-INVITE and the engine's BYE all pass the edge."""
    phone_port = free_port()
    assert register(edge, sipp_dir, "1001", AGENTS["1001"], phone_port).returncode == 0
    _phone_answers_engine_call(edge, sipp_dir, phone_port)


@pytest.mark.parametrize(
    ("extension", "scenario"),
    [("1002", "engine_call_480.xml"), ("1009", "engine_call_404.xml")],
)
def test_engine_call_to_absent_phone_fails_cleanly(
    edge: RunningEdge, sipp_dir: Path, extension: str, scenario: str
) -> None:
    """Check 480 for an agent whose phone is not registered and 404 for an unknown extension."""
    assert _engine_call(edge, sipp_dir, scenario, extension).returncode == 0, errors(sipp_dir)


def test_phone_call_without_credentials_is_challenged(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check that a phone's INVITE without credentials gets 407."""
    result = run_sipp(
        sipp_dir, "phone_call_407.xml", f"{LOOPBACK}:{edge.port}",
        "-i", LOOPBACK, "-s", "2000", "-key", "caller", "1001", "-m", "1",
    )  # fmt: skip
    assert result.returncode == 0, errors(sipp_dir)


def _phone_call(
    edge: RunningEdge, cwd: Path, caller: str, auth_user: str
) -> subprocess.CompletedProcess[str]:
    """Run phone_call.xml: caller dials 2000, answering the challenge as auth_user."""
    return run_sipp(
        cwd, "phone_call.xml", f"{LOOPBACK}:{edge.port}",
        "-i", LOOPBACK, "-s", "2000", "-key", "caller", caller,
        "-au", auth_user, "-ap", AGENTS[auth_user], "-m", "1",
    )  # fmt: skip


def test_phone_call_with_credentials_reaches_engine(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check 407, then the authenticated INVITE at the engine's port with the caller asserted."""
    engine = edge.settings.engine
    answer = start_sipp(
        sipp_dir, "engine_answer.xml", "-i", engine.listen, "-p", str(engine.port), "-m", "1"
    )
    time.sleep(0.2)  # let the engine's SIPp bind before the INVITE arrives
    call = _phone_call(edge, sipp_dir, "1001", "1001")
    assert call.returncode == 0, errors(sipp_dir)
    assert finish(answer) == 0, errors(sipp_dir)


def test_phone_cannot_call_as_another_extension(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check 403 when the credentials are 1001's but From claims 1002."""
    call = _phone_call(edge, sipp_dir, "1002", "1001")
    assert call.returncode != 0
    assert "SIP/2.0 403" in errors(sipp_dir)


def test_nat_contact_is_reached_at_its_source(edge: RunningEdge, sipp_dir: Path) -> None:
    """Check that a private Contact from another source is stored with received=source."""
    port = free_port()
    result = register(edge, sipp_dir, "1001", AGENTS["1001"], 5060, "-p", str(port),
                      contact_host="192.168.1.10")  # fmt: skip
    assert result.returncode == 0, errors(sipp_dir)
    found = wait_registered(edge.settings, {"1001"})["1001"]
    assert found.contact == "sip:1001@192.168.1.10:5060"
    assert found.received == f"sip:127.0.0.1:{port}"


def test_flood_is_dropped_while_others_still_work(
    start_edge: Callable[..., RunningEdge], sipp_dir: Path
) -> None:
    """Check that 2000 OPTIONS at 1000/s from 127.0.0.2 get it banned; .1 and .3 still served."""
    edge = start_edge(pike_reqs_density=100)
    flood = run_sipp(
        sipp_dir, "options.xml", f"{LOOPBACK}:{edge.port}",
        "-i", "127.0.0.2", "-m", "2000", "-r", "1000", "-l", "2000",
        seconds=15,
    )  # fmt: skip
    assert flood.returncode == 1  # calls failed: the edge stopped answering
    assert "flood from 127.0.0.2" in edge.log()
    assert not ping(LOOPBACK, edge.port, timeout=0.5, source="127.0.0.2")
    assert ping(LOOPBACK, edge.port, timeout=1.0, source="127.0.0.1")
    assert ping(LOOPBACK, edge.port, timeout=1.0, source="127.0.0.3")


def _scan(port: int, source: str, user_agent: str) -> bytes | None:
    """Send one OPTIONS with user_agent from source; return the reply or None if dropped."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(0.5)
        local = f"{source}:{sock.getsockname()[1]}"
        tag = secrets.token_hex(4)
        request = (
            f"OPTIONS sip:100@{LOOPBACK}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {local};branch=z9hG4bK{tag};rport\r\n"
            f"From: <sip:100@{local}>;tag={tag}\r\nTo: <sip:100@{LOOPBACK}:{port}>\r\n"
            f"Call-ID: {tag}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            f"User-Agent: {user_agent}\r\nContent-Length: 0\r\n\r\n"
        )
        sock.sendto(request.encode(), (LOOPBACK, port))
        try:
            return sock.recv(65535)
        except TimeoutError:
            return None


def test_scanner_is_dropped_and_banned(edge: RunningEdge) -> None:
    """Check that a scanner's User-Agent (any case) gets no answer and its address is banned."""
    reply = _scan(edge.port, "127.0.0.3", "curl-probe")
    assert reply is not None and reply.startswith(b"SIP/2.0 407")
    assert _scan(edge.port, "127.0.0.4", "Friendly-Scanner") is None
    assert not ping(LOOPBACK, edge.port, timeout=0.5, source="127.0.0.4")
    assert ping(LOOPBACK, edge.port, timeout=1.0, source="127.0.0.3")


def _start_registering(
    edge: RunningEdge, cwd: Path, ext: str, password: str
) -> subprocess.Popen[str]:
    """Start a SIPp phone registering ext in the background (Contact port irrelevant here)."""
    return start_sipp(
        cwd, "register.xml", f"{LOOPBACK}:{edge.port}",
        "-i", LOOPBACK, "-p", str(free_port()), "-s", ext, "-au", ext, "-ap", password,
        "-key", "contact_host", LOOPBACK, "-key", "contact_port", "5060", "-m", "1",
    )  # fmt: skip


def test_simultaneous_registrations_all_succeed(
    start_edge: Callable[..., RunningEdge], sipp_dir: Path
) -> None:
    """Check that 30 phones registering at once (a box coming back up) all get 200."""
    agents = {str(3000 + n): f"secret-{n}" for n in range(30)}
    edge = start_edge(agents=agents)
    phones = [_start_registering(edge, sipp_dir, ext, pw) for ext, pw in agents.items()]
    assert [finish(phone) for phone in phones] == [0] * len(phones), errors(sipp_dir)
    assert set(wait_registered(edge.settings, set(agents))) == set(agents)
