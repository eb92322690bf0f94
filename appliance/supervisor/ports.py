"""Check that the ports callbox listens on are free, naming the program that holds one."""

from __future__ import annotations

import contextlib
import errno
import socket
from dataclasses import dataclass

import psutil

from appliance.config import Settings
from appliance.supervisor.exceptions import PortInUse


@dataclass(frozen=True)
class PortNeed:
    """One port a service binds: address, number, protocol and the setting that moves it."""

    host: str
    port: int
    proto: str  # tcp | udp
    setting: str


def needed_ports(settings: Settings) -> list[PortNeed]:
    """Return every port `callbox run` binds."""
    sip, engine, web = settings.sip, settings.engine, settings.web
    needs = []
    for host, port, setting in (
        (sip.listen, sip.port, "sip.port"),
        (engine.listen, engine.port, "engine.port"),
        (engine.trunk_listen, engine.trunk_port, "engine.trunk_port"),
    ):
        needs += [PortNeed(host, port, proto, setting) for proto in ("udp", "tcp")]
    needs.append(PortNeed(web.listen, web.port, "tcp", "web.port"))
    return needs


def check_ports(settings: Settings) -> None:
    """Raise PortInUse for the first needed port another program holds."""
    for need in needed_ports(settings):
        if not is_free(need):
            raise PortInUse(need.port, need.proto, describe_owner(need), need.setting)


def is_free(need: PortNeed) -> bool:
    """Return true if need's address and port can be bound now."""
    kind = socket.SOCK_STREAM if need.proto == "tcp" else socket.SOCK_DGRAM
    family = socket.AF_INET6 if ":" in need.host else socket.AF_INET
    with socket.socket(family, kind) as sock:
        if need.proto == "tcp":
            # A listener is what conflicts; connections in TIME_WAIT must not.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((need.host, need.port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def owner_pid(port: int, proto: str) -> int | None:
    """Return the pid of a process bound to port/proto, if one can be found."""
    kind = "tcp" if proto == "tcp" else "udp"
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind=kind):
            bound = conn.laddr and conn.laddr.port == port and conn.pid
            # For TCP only the listener counts, not a client that happens to use the port.
            if bound and (kind == "udp" or conn.status == psutil.CONN_LISTEN):
                return conn.pid
    return None


def describe_owner(need: PortNeed) -> str:
    """Return "pid 1234 (name)" for the port's holder, or a plain phrase if unknown."""
    pid = owner_pid(need.port, need.proto)
    if pid is None:
        return "another program"
    try:
        return f"pid {pid} ({psutil.Process(pid).name()})"
    except psutil.Error:
        return f"pid {pid}"
