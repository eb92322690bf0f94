"""The errors the board layer raises; each message says what is wrong and where."""

from __future__ import annotations


class BoardError(Exception):
    """Something about a board went wrong."""


class BoardConfigError(BoardError):
    """A board's config is malformed; the message names the board and the key."""


class DriverUnavailable(BoardError):
    """A driver's hardware or library is absent on this box."""


class PortError(BoardError):
    """A port could not do what it was asked (wrong state, refused by the device)."""


class NotSupported(PortError):
    """The port cannot do this at all (ringing a GSM line, dialing out of an FXS port)."""


class DeviceTimeout(PortError):
    """The device did not answer in time."""


class AudioNotWired(BoardError):
    """The port's audio path is declared but not yet joined to the media bridge."""
