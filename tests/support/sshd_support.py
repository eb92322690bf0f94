"""A real OpenSSH sshd on a loopback port for the SFTP tests: generated host and client keys.

`sshd` is a fixture; a test module imports it.  It yields how to reach the server: its
port, its host key ("type base64"), the client's private key file, another (RSA) public
key, and a folder for the archives.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Run sshd on a loopback port for this test; yield how to reach it."""
    binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(binary).exists():
        pytest.fail("the SFTP test needs OpenSSH's sshd (Debian openssh-server: make deps-test)")
    if os.geteuid() != 0:
        pytest.fail("the SFTP test starts sshd, which must run as root")
    home = tmp_path / "sshd"
    home.mkdir()
    for name, kind in (("host_key", "ed25519"), ("client_key", "ed25519"), ("rsa_key", "rsa")):
        subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-f", str(home / name)],
                       check=True, timeout=60)  # fmt: skip
    (home / "authorized_keys").write_text((home / "client_key.pub").read_text())
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    port = free_port()
    (home / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home}/host_key\n"
        f"AuthorizedKeysFile {home}/authorized_keys\nPidFile {home}/sshd.pid\n"
        "UsePAM no\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
    )
    process = subprocess.Popen([binary, "-D", "-e", "-f", str(home / "sshd_config")],
                               stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(f"sshd did not start: {process.communicate()[1].decode()[-500:]}")
    host_key = (home / "host_key.pub").read_text().split()
    try:
        yield {"port": str(port), "host_key": f"{host_key[0]} {host_key[1]}",
               "key_file": str(home / "client_key"), "rsa_key": (home / "rsa_key.pub").read_text(),
               "folder": str(tmp_path / "remote" / "archives")}  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=10)
