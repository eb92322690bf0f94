"""Errors of the supervisor, each a single line saying what is wrong and what to do."""

from __future__ import annotations


class SupervisorError(Exception):
    """The supervisor cannot start."""


class PortInUse(SupervisorError):
    """A port callbox needs is taken by another program."""

    def __init__(self, port: int, proto: str, owner: str, setting: str) -> None:
        """Describe the port, its holder and the setting that moves it."""
        super().__init__(f"port {port}/{proto} is in use by {owner}: stop it or set {setting}")
        self.port = port
        self.proto = proto
        self.setting = setting


class ServiceUnavailable(SupervisorError):
    """A part callbox needs to start a service is missing."""
