"""`callbox doctor`: one line per package, port and the database."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from appliance.store import migrations
from appliance.supervisor.doctor import database_finding, package_finding

Runner = Callable[..., subprocess.CompletedProcess[str]]


def free_port() -> int:
    """Return a port free for both TCP and UDP on loopback."""
    while True:
        with socket.socket() as tcp, socket.socket(type=socket.SOCK_DGRAM) as udp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            try:
                udp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def port_env() -> dict[str, str]:
    """Return port settings on free ports."""
    names = ("WEB__PORT", "SIP__PORT", "ENGINE__PORT", "ENGINE__TRUNK_PORT")
    return {f"CALLBOX_{name}": str(free_port()) for name in names}


def test_doctor_all_fine(callbox: Runner) -> None:
    """Print one ok line per package, port and the database; exit 0."""
    assert callbox("init").returncode == 0
    result = callbox("doctor", extra_env=port_env())
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    assert len(lines) == 5 + 7 + 1
    assert all(line.startswith("ok") for line in lines)
    assert any("package kamailio-sqlite-modules" in line for line in lines)
    assert f"schema v{migrations.latest_version()}" in lines[-1]


def test_doctor_reports_a_port_in_use(callbox: Runner) -> None:
    """Name the holder of a taken port and the setting to change; exit 1."""
    env = port_env()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", int(env["CALLBOX_WEB__PORT"])))
        holder.listen()
        result = callbox("doctor", extra_env=env)
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert f"port {env['CALLBOX_WEB__PORT']}/tcp is in use by pid" in line
    assert line.endswith("stop it or set web.port")


def test_missing_package_names_the_apt_command() -> None:
    """Tell how to install a package that is absent."""
    finding = package_finding("callbox-no-such-package")
    assert not finding.ok
    assert "apt-get install callbox-no-such-package" in finding.line()


def test_database_findings(tmp_path: Path) -> None:
    """Accept a missing database (init creates it); fail a file that is not one."""
    assert database_finding(tmp_path / "none.db").ok
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"junk" * 2000)
    finding = database_finding(junk)
    assert not finding.ok and "not usable" in finding.text
    assert junk.read_bytes() == b"junk" * 2000
