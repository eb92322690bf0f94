"""Alert delivery (a real UDP syslog listener, a real SMTP server) and the keep-alives
(a real unix datagram socket for systemd, a file standing in for /dev/watchdog)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from boxharness import free_port
from smtp_sink import smtp_server

from appliance.config import Settings, load
from appliance.health import alerts
from appliance.health.delivery import Delivery
from appliance.health.notify import HardwareWatchdog, sd_notify
from appliance.health.watchdog import Watchdog
from appliance.store.manager import open_store


def make_settings(tmp_path: Path, **env: str) -> Settings:
    """Return settings on a temporary folder with the CALLBOX_ variables given."""
    return load(tmp_path / "absent.yml", env={"CALLBOX_PATHS__VAR": str(tmp_path / "var"), **env})


@pytest.fixture
def syslog() -> Iterator[tuple[str, socket.socket]]:
    """Listen for syslog datagrams on loopback; yield the address setting and the socket."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield f"127.0.0.1:{sock.getsockname()[1]}", sock
    sock.close()


def received(sock: socket.socket) -> list[str]:
    """Return the datagrams waiting on sock (waiting up to its timeout for the first)."""
    lines = [sock.recv(4096).decode()]
    sock.settimeout(0.3)
    try:
        while True:
            lines.append(sock.recv(4096).decode())
    except TimeoutError:
        return lines


def test_each_alert_goes_to_syslog_and_mail_once(
    tmp_path: Path, syslog: tuple[str, socket.socket]
) -> None:
    address, listener = syslog
    port = free_port(socket.SOCK_STREAM, both=False)
    settings = make_settings(tmp_path, CALLBOX_WATCHDOG__SYSLOG_ADDRESS=address,
                             CALLBOX_WATCHDOG__ALERT_EMAILS="ops@example.com,boss@example.com",
                             CALLBOX_SMTP__ENABLED="true", CALLBOX_SMTP__PORT=str(port),
                             CALLBOX_SMTP__HOST="127.0.0.1")  # fmt: skip
    database = open_store(settings)
    alerts.raise_alert(database, "disk.recordings", "disk_low", {"free_mb": 90}, "90 MB free")
    alerts.raise_alert(database, "service.engine", "service_down", {}, "no ping", alerts.CRITICAL)
    delivery = Delivery(settings, database)
    with smtp_server(port) as sink:
        assert delivery.deliver() == ["disk.recordings", "service.engine"]
        (mail,) = sink.wait(1)
        assert delivery.deliver() == []  # delivered: not again
    lines = received(listener)
    assert len(lines) == 2
    assert "callbox-watchdog: callbox alert disk.recordings: disk_low 90 MB free" in lines[0]
    assert lines[0].startswith("<28>") and lines[1].startswith("<26>")  # daemon.warning, .crit
    assert sink.envelopes[0][1] == ["ops@example.com", "boss@example.com"]
    assert "service.engine" in mail["Subject"] and "(+1 more)" in mail["Subject"]
    assert "90 MB free" in mail.get_content() and "no ping" in mail.get_content()
    assert alerts.undelivered() == []
    alerts.clear_alert(database, "disk.recordings")
    delivery.log_cleared("disk.recordings")
    assert "callbox alert disk.recordings cleared" in received(listener)[0]
    database.close()


def test_a_mail_server_that_is_down_leaves_alerts_undelivered_but_syslogs_once(
    tmp_path: Path, syslog: tuple[str, socket.socket]
) -> None:
    address, listener = syslog
    settings = make_settings(tmp_path, CALLBOX_WATCHDOG__SYSLOG_ADDRESS=address,
                             CALLBOX_WATCHDOG__ALERT_EMAILS="ops@example.com",
                             CALLBOX_SMTP__ENABLED="true", CALLBOX_SMTP__HOST="127.0.0.1",
                             CALLBOX_SMTP__PORT=str(free_port(socket.SOCK_STREAM, both=False)),
                             CALLBOX_SMTP__TIMEOUT_SECONDS="1")  # fmt: skip
    database = open_store(settings)
    alerts.raise_alert(database, "trunk.carrier", "trunk_unregistered", {"trunk": "carrier"})
    delivery = Delivery(settings, database)
    assert delivery.deliver() == [] and delivery.deliver() == []
    assert [a.key for a in alerts.undelivered()] == ["trunk.carrier"]  # tried next round
    assert len(received(listener)) == 1
    database.close()


def test_without_mail_settings_syslog_alone_delivers(
    tmp_path: Path, syslog: tuple[str, socket.socket]
) -> None:
    settings = make_settings(tmp_path, CALLBOX_WATCHDOG__SYSLOG_ADDRESS=syslog[0])
    database = open_store(settings)
    alerts.raise_alert(database, "system.memory", "memory_high", {"used_percent": 95})
    assert Delivery(settings, database).deliver() == ["system.memory"]
    assert "memory_high" in received(syslog[1])[0]
    database.close()


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    """Bind a unix datagram socket as systemd's notify socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify.sock"))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_sd_notify_sends_to_the_socket_and_is_silent_without_one(
    tmp_path: Path, notify_socket: socket.socket
) -> None:
    assert sd_notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "notify.sock")})
    assert notify_socket.recv(100) == b"READY=1"
    assert not sd_notify("READY=1", {})
    assert not sd_notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "nobody.sock")})


def test_the_watchdog_process_loop_notifies_systemd_and_pets_the_device(
    tmp_path: Path, notify_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / "watchdog-device"
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify.sock"))
    settings = make_settings(tmp_path, CALLBOX_WATCHDOG__HARDWARE_DEVICE=str(device),
                             CALLBOX_WATCHDOG__FAILURES_BEFORE_ACTION="1",
                             CALLBOX_WATCHDOG__RESTART="false",
                             CALLBOX_WEB__PORT="9", CALLBOX_SIP__PORT="9")  # fmt: skip
    open_store(settings).close()
    watchdog = Watchdog(settings, interval=0.2)
    loop = threading.Thread(target=watchdog.run)
    loop.start()
    try:
        messages = [notify_socket.recv(100) for _ in range(3)]
    finally:
        watchdog.stop()
        loop.join(10)
    assert messages == [b"READY=1", b"WATCHDOG=1", b"WATCHDOG=1"]
    written = device.read_bytes()
    assert written.endswith(b"V") and written.count(b"\0") >= 2  # petted, then the magic close
    service_alerts = {a.key for a in alerts.active()}
    assert {"service.engine", "service.kamailio"} <= service_alerts  # nothing runs here


def test_the_hardware_device_is_not_petted_while_the_round_cannot_act(tmp_path: Path) -> None:
    device = tmp_path / "watchdog-device"
    settings = make_settings(tmp_path, CALLBOX_WATCHDOG__HARDWARE_DEVICE=str(device),
                             CALLBOX_WEB__PORT="9", CALLBOX_SIP__PORT="9")  # fmt: skip
    watchdog = Watchdog(settings)
    watchdog.tick()  # no store yet: the round cannot raise alerts
    assert device.read_bytes() == b""
    assert not Path(settings.paths.database).exists()  # and it did not make one
    watchdog.hardware.close()
    assert device.read_bytes() == b"V"
    HardwareWatchdog("").pet()  # no device configured: nothing to do
