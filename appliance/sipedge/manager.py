"""Prepare, check and describe the Kamailio process that is callbox's SIP edge."""

from __future__ import annotations

import errno
import glob
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

from appliance.config import Settings
from appliance.sipedge import options, render, subscribers
from appliance.sipedge.exceptions import SipEdgeError
from appliance.sipedge.subscribers import INSTALL_HINT

log = logging.getLogger(__name__)

# Where Debian (any architecture) and a source build put db_sqlite.so.
MODULE_GLOBS = (
    "/usr/lib/*/kamailio/modules/db_sqlite.so",
    "/usr/lib/kamailio/modules/db_sqlite.so",
)

# How long wait_ready() waits by default; Kamailio answers ≈0.05 s after it starts here.
READY_TIMEOUT = 5.0


class Kamailio:
    """The SIP edge process: prepare its files, check them, and give the command that runs it."""

    def __init__(self, settings: Settings) -> None:
        """Remember the settings; nothing is touched until prepare()."""
        self.settings = settings
        self.folder = Path(settings.paths.kamailio)
        self.config_path = render.config_path(settings)
        self.database_path = render.database_path(settings)
        self.run_dir = self.folder / "run"

    def prepare(self, agents: Iterable[tuple[str, str]] | None = None) -> None:
        """Check install and ports, write and check the config, create the db, sync subscribers.

        ``agents`` are (extension, password) pairs; None reads them from the open store.
        """
        self.check_installed()
        self.check_ports()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        render.write_config(self.settings)
        self.check_config()
        subscribers.ensure_schema(self.settings)
        if agents is None:
            result = subscribers.sync_from_store(self.settings)
        else:
            result = subscribers.sync(self.settings, agents)
        log.info("sip edge subscribers synced: %s", result)

    def argv(self) -> list[str]:
        """Return the command that runs Kamailio in the foreground, logging to stderr."""
        return [
            self.binary(),
            "-DD",  # do not daemonize: the supervisor (or systemd) owns the process
            "-E",
            "-f",
            str(self.config_path),
            "-Y",
            str(self.run_dir),
            "-w",
            str(self.folder),
        ]

    def binary(self) -> str:
        """Return the absolute path of the kamailio binary, or raise the install hint."""
        found = shutil.which(self.settings.sip.kamailio_binary)
        if not found:
            raise SipEdgeError(INSTALL_HINT)
        return found

    def check_installed(self) -> None:
        """Raise SipEdgeError with the install hint unless kamailio and db_sqlite are present."""
        self.binary()
        if not any(glob.glob(pattern) for pattern in MODULE_GLOBS):
            raise SipEdgeError(INSTALL_HINT)
        if not (subscribers.SQL_DIR / "auth_db-create.sql").is_file():
            raise SipEdgeError(INSTALL_HINT)

    def check_config(self) -> None:
        """Run `kamailio -c` on the rendered config; raise SipEdgeError with its error line."""
        try:
            done = subprocess.run(
                [self.binary(), "-c", "-f", str(self.config_path)],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SipEdgeError(f"`kamailio -c -f {self.config_path}` did not finish") from None
        if done.returncode != 0:
            raise SipEdgeError(f"kamailio rejects {self.config_path}: {_error_line(done.stderr)}")

    def check_ports(self) -> None:
        """Raise SipEdgeError naming the owner if sip.port is taken (UDP or TCP) on sip.listen."""
        sip = self.settings.sip
        for kind in ("udp", "tcp"):
            if not _port_free(sip.listen, sip.port, kind):
                raise SipEdgeError(
                    f"port {sip.port}/{kind} is in use by another program"
                    f"{_owner(sip.port, kind)}: stop it or set sip.port"
                )

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Return true once the edge answers OPTIONS, false if timeout seconds pass first."""
        host = _probe_host(self.settings.sip.listen)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if options.ping(host, self.settings.sip.port, timeout=0.2):
                return True
            time.sleep(0.05)
        return False


def _port_free(host: str, port: int, kind: str) -> bool:
    """Return true if a socket of kind can bind host:port now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock_type = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(family, sock_type) as sock:
        if kind == "tcp":
            # As Kamailio does: a TIME_WAIT leftover must not count as taken.  Not on UDP,
            # where SO_REUSEADDR would let the probe share a port Kamailio holds.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise SipEdgeError(f"cannot use sip.listen {host}:{port}: {exc.strerror}") from None
    return True


def _owner(port: int, kind: str) -> str:
    """Return " (pid N, name X)" for the process bound to port, or "" if it cannot be told."""
    try:
        connections = psutil.net_connections(kind=kind)
    except (psutil.Error, OSError):
        return ""
    for conn in connections:
        if conn.laddr and conn.laddr.port == port and conn.pid:
            try:
                name = psutil.Process(conn.pid).name()
            except psutil.Error:
                name = "?"
            return f" (pid {conn.pid}, name {name})"
    return ""


def _error_line(stderr: str) -> str:
    """Return the most telling line of kamailio's error output, without its log prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for marker in ("CRITICAL", "ERROR"):
        for line in lines:
            if marker in line:
                return line.split("(): ", 1)[-1]
    return lines[-1] if lines else "no error message"


def _probe_host(listen: str) -> str:
    """Return the address to ping for a listen address (the wildcard means loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(listen, listen)
