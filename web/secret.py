"""The session signing key: from settings, or generated once into <var>/secret_key."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from appliance.config import Settings
from appliance.supervisor.statefile import fsync_dir

SECRET_FILE = "secret_key"


def load_secret_key(settings: Settings) -> str:
    """Return settings.web.secret_key, or the key file's content (created if missing)."""
    if settings.web.secret_key:
        return settings.web.secret_key
    path = Path(settings.paths.var) / SECRET_FILE
    if not path.exists():
        _create_key_file(path)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: remove it to have a new key generated")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key to path atomically, mode 0600; the first writer wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as stream:
            stream.write(secrets.token_hex(32) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        # link() fails if another worker created the file first: every gunicorn
        # worker then reads the same key, where rename() would let the last one win.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
