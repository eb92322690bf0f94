"""The SFTP target: archives on an SSH server (paramiko), its host key checked, never trusted blind.

The server's host key is stored with the target (`host_key`, a known_hosts line or
"<type> <base64>"); a server showing another key is refused.  `scan_host_key` reads a
server's key so the admin can compare its fingerprint and store it.  Log in with a
private key file (`key_file`, readable by root) or the password kept in the secrets file.
An archive is uploaded under a dot-name and renamed (posix-rename) once complete.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import posixpath
import socket
import stat
from pathlib import Path
from typing import ClassVar

import paramiko

from appliance.backup.targets.base import Target, TargetUnavailable, check_name, is_archive_name

TIMEOUT_SECONDS = 15.0


def parse_host_key(text: str) -> paramiko.PKey:
    """Return the key of a known_hosts line or "<type> <base64>"; raise TargetUnavailable."""
    fields = text.split()
    if len(fields) >= 3 and not fields[0].startswith(("ssh-", "ecdsa-")):
        fields = fields[1:]  # a known_hosts line: hosts first
    try:
        return paramiko.PKey.from_type_string(fields[0], base64.b64decode(fields[1]))
    except (IndexError, ValueError, paramiko.SSHException) as exc:
        raise TargetUnavailable(
            f"the stored host key is not readable: {exc}", "bad-host-key"
        ) from None


def fingerprint(key: paramiko.PKey) -> str:
    """Return a key's SHA256 fingerprint as ssh-keygen shows it."""
    digest = base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def scan_host_key(host: str, port: int = 22) -> str:
    """Return the server's host key as "<type> <base64>" (to be compared and stored)."""
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
            transport = paramiko.Transport(sock)
            try:
                transport.start_client(timeout=TIMEOUT_SECONDS)
                key = transport.get_remote_server_key()
            finally:
                transport.close()
    except (OSError, paramiko.SSHException) as exc:
        raise TargetUnavailable(f"cannot reach {host}:{port}: {exc}") from None
    return f"{key.get_name()} {key.get_base64()}"


class SftpTarget(Target):
    """A folder on an SFTP server."""

    kind: ClassVar[str] = "sftp"
    OPTIONS: ClassVar[tuple[str, ...]] = ("host", "port", "username", "folder", "host_key",
                                          "key_file")  # fmt: skip
    SECRETS: ClassVar[tuple[str, ...]] = ("password",)
    _client: paramiko.SSHClient | None = None
    _sftp: paramiko.SFTPClient | None = None

    def _port(self) -> int:
        """Return the server's port (22 unless set)."""
        return int(self.options.get("port") or 22)

    def open(self) -> None:
        """Connect, checking the host key against the stored one, and log in."""
        host, port, key = self.option("host"), self._port(), parse_host_key(self.option("host_key"))
        client = paramiko.SSHClient()
        client.get_host_keys().add(host if port == 22 else f"[{host}]:{port}", key.get_name(), key)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        key_file = str(self.options.get("key_file") or "") or None
        password = self.secrets.get("password") or None
        if key_file is None and password is None:
            raise TargetUnavailable("the SFTP target needs a key file or a password", "bad-target")
        try:
            client.connect(host, port, username=self.option("username"), password=password,
                           key_filename=key_file, look_for_keys=False, allow_agent=False,
                           timeout=TIMEOUT_SECONDS, banner_timeout=TIMEOUT_SECONDS,
                           auth_timeout=TIMEOUT_SECONDS)  # fmt: skip
            self._sftp = client.open_sftp()
        except paramiko.BadHostKeyException as exc:
            client.close()
            raise TargetUnavailable(
                f"{host}:{port} shows a different host key ({fingerprint(exc.key)}) than the "
                f"one stored ({fingerprint(key)}): refused",
                "host-key-mismatch",
            ) from None
        except (OSError, paramiko.SSHException) as exc:
            client.close()
            raise TargetUnavailable(f"cannot log in to {host}:{port}: {exc}") from None
        self._client = client

    def close(self) -> None:
        """Disconnect."""
        if self._client is not None:
            self._client.close()
        self._client = self._sftp = None

    def _folder(self) -> str:
        """Return the archives' folder on the server, created when missing."""
        sftp, folder = self._session(), self.option("folder").rstrip("/") or "/"
        path = ""
        for part in folder.split("/"):
            path = posixpath.join(path, part) if path else (part or "/")
            try:
                if not stat.S_ISDIR(sftp.stat(path).st_mode or 0):
                    raise TargetUnavailable(f"{path} on the server is not a folder")
            except FileNotFoundError:
                sftp.mkdir(path, 0o700)
        return folder

    def _session(self) -> paramiko.SFTPClient:
        """Return the open SFTP session."""
        if self._sftp is None:
            raise TargetUnavailable("the SFTP target is used outside a with block")
        return self._sftp

    def put(self, local: Path, name: str) -> None:
        """Upload under a dot-name, then rename into place."""
        sftp, folder = self._session(), self._folder()
        final = posixpath.join(folder, check_name(name))
        tmp = posixpath.join(folder, f".{name}.partial")
        try:
            sftp.put(str(local), tmp, confirm=True)
            sftp.posix_rename(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError, paramiko.SSHException):
                sftp.remove(tmp)
            raise

    def names(self) -> dict[str, int]:
        """Return the finished archives in the folder."""
        entries = self._session().listdir_attr(self._folder())
        return {e.filename: int(e.st_size or 0) for e in sorted(entries, key=lambda e: e.filename)
                if is_archive_name(e.filename)}  # fmt: skip

    def get(self, name: str, local: Path) -> None:
        """Download an archive."""
        remote = posixpath.join(self._folder(), check_name(name))
        try:
            self._session().get(remote, str(local))
        except FileNotFoundError:
            raise TargetUnavailable(f"no archive {name} on the server", "no-such-archive") from None

    def delete(self, name: str) -> None:
        """Remove an archive from the server."""
        with contextlib.suppress(FileNotFoundError):
            self._session().remove(posixpath.join(self._folder(), check_name(name)))


TARGET = SftpTarget
