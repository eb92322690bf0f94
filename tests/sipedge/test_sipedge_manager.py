"""Kamailio manager: install and port checks, prepare, the command line."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
from contextlib import closing

import psutil
import pytest

from appliance.config import Settings
from appliance.sipedge.exceptions import SipEdgeError
from appliance.sipedge.manager import Kamailio


def test_argv_runs_kamailio_in_the_foreground(settings: Settings) -> None:
    """Check the command: absolute binary, foreground, stderr, our config, run and work dirs."""
    folder = settings.paths.kamailio
    assert Kamailio(settings).argv() == [
        shutil.which("kamailio"),
        "-DD",
        "-E",
        "-f",
        f"{folder}/kamailio.cfg",
        "-Y",
        f"{folder}/run",
        "-w",
        folder,
    ]


def test_prepare_writes_config_database_and_subscribers(settings: Settings) -> None:
    """Check that prepare leaves everything Kamailio needs to start."""
    manager = Kamailio(settings)
    manager.prepare(agents=[("1001", "pw"), ("1002", "pw2")])
    assert manager.config_path.is_file()
    assert manager.run_dir.is_dir()
    with closing(sqlite3.connect(manager.database_path)) as conn:
        users = conn.execute("SELECT username FROM subscriber ORDER BY username").fetchall()
    assert users == [("1001",), ("1002",)]


def test_missing_binary_gives_the_install_hint(settings: Settings) -> None:
    """Check the one-line message when kamailio is not installed."""
    settings.sip.kamailio_binary = "kamailio-not-installed-here"
    with pytest.raises(SipEdgeError) as caught:
        Kamailio(settings).prepare(agents=[])
    assert str(caught.value) == (
        "kamailio is not installed: run `apt-get install kamailio kamailio-sqlite-modules`"
    )


@pytest.mark.parametrize("kind", ["udp", "tcp"])
def test_port_in_use_names_the_program(settings: Settings, kind: str) -> None:
    """Check that a taken SIP port is reported with the owner's pid and name."""
    sock_type = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, sock_type) as squatter:
        squatter.bind(("127.0.0.1", settings.sip.port))
        if kind == "tcp":
            squatter.listen()
        with pytest.raises(SipEdgeError) as caught:
            Kamailio(settings).check_ports()
    name = psutil.Process(os.getpid()).name()
    assert str(caught.value) == (
        f"port {settings.sip.port}/{kind} is in use by another program "
        f"(pid {os.getpid()}, name {name}): stop it or set sip.port"
    )


def test_wait_ready_is_false_when_nothing_answers(settings: Settings) -> None:
    """Check that readiness gives up after its timeout."""
    assert Kamailio(settings).wait_ready(timeout=0.3) is False
