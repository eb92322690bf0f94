"""The errors of profiles: each names the line of the profile it is about when there is one."""

from __future__ import annotations


class ProfileError(Exception):
    """A profile cannot be used; the message says where (file and line) and what to do."""

    def __init__(self, message: str, source: str = "", line: int | None = None) -> None:
        """Prefix message with where it is about: "file:line: "."""
        where = f"{source}:{line}: " if source and line else (f"{source}: " if source else "")
        super().__init__(f"{where}{message}")
        self.source = source
        self.line = line
        self.reason = message


class SignatureError(ProfileError):
    """A profile's signature is missing, malformed or does not match the reseller's key."""


class FetchError(ProfileError):
    """Zero-touch found no profile, or could not read the one it found."""
